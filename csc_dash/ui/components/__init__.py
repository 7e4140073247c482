"""Components made with Streamlit's components v2 (inline HTML, CSS and JavaScript; no build
step, no iframe)."""
