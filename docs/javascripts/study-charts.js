/*
 * Progressive enhancement of the site's charts.
 *
 * Every chart is already on the page as a build-time SVG (instant paint, works without
 * JavaScript, prints). Once the reader has scrolled, pointed or typed, and a chart is in view,
 * this script loads the self-hosted Vega
 * runtime (once per visit), fetches the chart's Vega-Lite spec and swaps in an interactive view
 * with tooltips. If anything fails, the SVG stays and one console message says why.
 *
 * Pages carry only data attributes; this file is the only code. It runs on first load and after
 * every instant-navigation page swap (Material's document$), and never enhances a chart twice.
 * Colours follow the light/dark toggle by themselves: the specs draw text and axes in
 * currentColor, which the page's CSS sets per palette.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var runtimeUrl = script ? new URL("vega-runtime.js", script.src).href : null;
  var runtimePromise = null;

  function loadRuntime() {
    if (window.vegaEmbed) return Promise.resolve(window.vegaEmbed);
    if (runtimePromise) return runtimePromise;
    runtimePromise = new Promise(function (resolve, reject) {
      if (!runtimeUrl) {
        reject(new Error("cannot tell where the chart runtime is"));
        return;
      }
      var tag = document.createElement("script");
      tag.src = runtimeUrl;
      tag.async = true;
      tag.onload = function () {
        if (window.vegaEmbed) resolve(window.vegaEmbed);
        else reject(new Error("the chart runtime loaded but did not define vegaEmbed"));
      };
      tag.onerror = function () {
        runtimePromise = null; // allow a later retry, e.g. after the network comes back
        reject(new Error("the chart runtime could not be loaded from " + runtimeUrl));
      };
      document.head.appendChild(tag);
    });
    return runtimePromise;
  }

  function enhance(figure) {
    if (figure.dataset.state) return;
    figure.dataset.state = "loading";
    var name = figure.dataset.chart;
    var staticBox = figure.querySelector(".study-chart__svg");
    var viewBox = figure.querySelector(".study-chart__view");
    loadRuntime()
      .then(function (vegaEmbed) {
        return fetch(figure.dataset.spec, { credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) throw new Error("its spec answered HTTP " + response.status);
            return response.json();
          })
          .then(function (spec) {
            return vegaEmbed(viewBox, spec, {
              mode: "vega", // compiled from Vega-Lite at build time
              renderer: "svg",
              actions: false,
              tooltip: { theme: "custom" },
            });
          });
      })
      .then(function (result) {
        var svg = viewBox.querySelector("svg");
        if (!svg) throw new Error("the interactive view drew nothing");
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", staticBox.querySelector("svg").getAttribute("aria-label"));
        viewBox.hidden = false;
        staticBox.hidden = true;
        figure.dataset.state = "interactive";
        figure._studyView = result.view;
      })
      .catch(function (error) {
        viewBox.hidden = true;
        viewBox.textContent = "";
        staticBox.hidden = false;
        figure.dataset.state = "static";
        console.warn(
          "study-charts: chart '" + name + "' stays a static image: " + (error && error.message)
        );
      });
  }

  var observer =
    "IntersectionObserver" in window
      ? new IntersectionObserver(
          function (entries) {
            entries.forEach(function (entry) {
              if (entry.isIntersecting) {
                observer.unobserve(entry.target);
                enhance(entry.target);
              }
            });
          },
          { rootMargin: "100px 0px" }
        )
      : null;

  // Material wraps wide tables in a scrolling box, and notebook code cells scroll too; make
  // each one that does scroll reachable by keyboard (WCAG 2.1.1; axe scrollable-region-focusable).
  function focusableScrollBoxes() {
    var boxes = ".md-typeset__scrollwrap:not([tabindex]), .highlight-ipynb:not([tabindex])";
    document.querySelectorAll(boxes).forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption");
        box.setAttribute("aria-label", caption ? caption.textContent : "Scrollable content");
      }
    });
  }

  // Nothing heavy happens before the reader does something: the runtime (~300 KB gzip) waits
  // for the first scroll, pointer, touch or key event, so it never competes with first paint.
  var armed = false;
  var waiting = [];
  var wake = ["scroll", "pointermove", "pointerdown", "touchstart", "keydown", "wheel"];

  function arm() {
    if (armed) return;
    armed = true;
    wake.forEach(function (type) {
      window.removeEventListener(type, arm, { capture: true, passive: true });
    });
    waiting.splice(0).forEach(watch);
  }
  wake.forEach(function (type) {
    window.addEventListener(type, arm, { capture: true, passive: true });
  });

  function watch(figure) {
    if (!armed) {
      waiting.push(figure);
      return;
    }
    if (observer) observer.observe(figure);
    else enhance(figure);
  }

  function init() {
    focusableScrollBoxes();
    var figures = document.querySelectorAll("figure.study-chart[data-spec]:not([data-state])");
    figures.forEach(watch);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); // first load and every instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
