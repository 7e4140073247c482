// Inside the watching fragment: when the server says the workshop's data changed, ask the
// refresher outside the fragment for a redraw of the whole page, once per new fingerprint.
export default function (component) {
  const { data } = component;
  if (!data.changed) return;
  const done = (window.__cscLiveDone = window.__cscLiveDone || {});
  if (done[data.kind] === data.version) return;
  const refresh = (window.__cscLiveRefresh || {})[data.kind];
  if (!refresh) return;
  done[data.kind] = data.version;
  refresh();
}
