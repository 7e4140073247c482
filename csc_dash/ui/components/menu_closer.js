// On a phone or a tablet the open side bar lies over the page. When a person picks a page from
// it, close it, so they see the page they chose (Streamlit leaves it open). A page change by any
// other way (the "Next" link at the foot of a page) finds the side bar closed and does nothing.
const NARROW = "(max-width: 1023px)";

export default function (component) {
  const page = component.data.page;
  const last = window.__cscMenuPage;
  window.__cscMenuPage = page;
  if (last === undefined || last === page || !window.matchMedia(NARROW).matches) return;
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  if (!sidebar || sidebar.getAttribute("data-collapsed") !== "false") return;
  const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (close) close.click();
}
