// Outside every fragment: a redraw of the whole page that the browser asks for. The browser then
// sends every control's value with the request (a redraw the server starts by itself can bring
// some controls back at their first option: see csc_dash/ui/workshop/live.py).
export default function (component) {
  const { data, setTriggerValue } = component;
  const refresh = (window.__cscLiveRefresh = window.__cscLiveRefresh || {});
  refresh[data.kind] = () => setTriggerValue("changed", true);
}
