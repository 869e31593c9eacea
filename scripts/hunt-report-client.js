/*
 * Page script of the `npm run hunt` report (inlined after vega, vega-lite and
 * vega-embed): renders each Vega-Lite output with vega-embed over its PNG
 * fallback, hiding the PNG once the live chart is drawn. If embedding fails
 * the PNG stays and the reason is shown under it. Plain ES5 for any browser.
 */
(function () {
  "use strict";
  var charts = document.querySelectorAll(".hunt-vega");
  Array.prototype.forEach.call(charts, function (box) {
    var data = box.querySelector("script.hunt-vega-spec");
    if (!data || typeof window.vegaEmbed !== "function") return;
    var spec;
    try {
      spec = JSON.parse(data.textContent || "null");
    } catch (err) {
      return;
    }
    var target = document.createElement("div");
    target.className = "hunt-vega-live";
    box.appendChild(target);
    var options = { actions: false, mode: "vega-lite" };
    var embed = spec && spec.usermeta && spec.usermeta.embedOptions;
    if (embed && (embed.renderer === "svg" || embed.renderer === "canvas")) options.renderer = embed.renderer;
    window
      .vegaEmbed(target, spec, options)
      .then(function () {
        var fallback = box.querySelector(".hunt-fallback");
        if (fallback) fallback.style.display = "none";
        box.setAttribute("data-live", "true");
      })
      .catch(function (err) {
        target.remove();
        var note = document.createElement("div");
        note.className = "hunt-vega-error";
        note.textContent = "Interactive chart unavailable (" + String((err && err.message) || err) + "); showing the static image.";
        box.appendChild(note);
      });
  });
})();
