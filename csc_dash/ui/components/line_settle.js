// The messenger in the Trade-offs fragment: the line component calls window.__cscLineSettle
// when the line settles, which sets this component's state and so reruns only the fragment;
// the fragment's answer (the settled step and its intervals) goes back as a window event.
export default function (component) {
  const { data, setStateValue } = component;
  window.__cscLineSettle = (step) => setStateValue("step", step);
  window.dispatchEvent(new CustomEvent("csc-line-settled", { detail: data }));
}
