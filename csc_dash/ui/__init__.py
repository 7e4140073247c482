"""Streamlit-only code: cached loaders, shared widgets and session-state keys.

This is the only part of csc_dash that may import Streamlit.
"""
