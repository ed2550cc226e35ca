/*
 * Progressive enhancement of the site's charts.
 *
 * Every chart is already on the page as a build-time SVG (instant paint, works without
 * JavaScript, prints). Once the reader has scrolled, pointed or typed, and a chart is in view,
 * this script loads the self-hosted Vega runtime (once per visit), fetches the chart's spec,
 * compiled to Vega at build time, in the layout that fits the chart's column (wide or narrow,
 * as the CSS chooses for the SVG), and swaps in an interactive view with tooltips. If anything
 * fails, the SVG stays and one console message says why.
 *
 * A chart's data table of hundreds of rows is built from its CSV when the reader opens the
 * chart's text description (loadTable), so that the page's HTML stays small.
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
    if (window.vega) return Promise.resolve(window.vega);
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
        if (window.vega && window.vega.View) resolve(window.vega);
        else reject(new Error("the chart runtime loaded but did not define vega"));
      };
      tag.onerror = function () {
        runtimePromise = null; // allow a later retry, e.g. after the network comes back
        reject(new Error("the chart runtime could not be loaded from " + runtimeUrl));
      };
      document.head.appendChild(tag);
    });
    return runtimePromise;
  }

  // Tooltips: one element for the page, filled with the mark's fields as a key/value table
  // (text only, never HTML), placed beside the pointer and kept inside the window.
  var tip = null;

  function tooltipElement() {
    if (!tip || !tip.isConnected) {
      tip = document.createElement("div");
      tip.id = "vg-tooltip-element";
      tip.className = "custom-theme";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    return tip;
  }

  function showTooltip(handler, event, item, value) {
    var box = tooltipElement();
    if (value == null || value === "") {
      box.hidden = true;
      return;
    }
    box.textContent = "";
    if (typeof value === "object") {
      var table = document.createElement("table");
      Object.keys(value).forEach(function (key) {
        var row = table.insertRow();
        var name = row.insertCell();
        name.className = "key";
        name.textContent = key;
        var cell = row.insertCell();
        cell.className = "value";
        cell.textContent = value[key] == null ? "" : String(value[key]);
      });
      box.appendChild(table);
    } else {
      box.textContent = String(value);
    }
    box.hidden = false;
    var x = event.clientX + 12;
    var y = event.clientY + 12;
    if (x + box.offsetWidth > window.innerWidth - 4) {
      x = Math.max(4, event.clientX - 12 - box.offsetWidth);
    }
    if (y + box.offsetHeight > window.innerHeight - 4) {
      y = Math.max(4, event.clientY - 12 - box.offsetHeight);
    }
    box.style.left = x + "px";
    box.style.top = y + "px";
  }

  // Which of the chart's two layouts fits its column: study.css decides it with a container
  // query (the same rule that picks the build-time SVG) and says so in a custom property.
  function layoutOf(figure) {
    var view = figure.querySelector(".study-chart__view");
    var layout = getComputedStyle(view).getPropertyValue("--study-chart-layout").trim();
    return layout === "narrow" && figure.dataset.specNarrow ? "narrow" : "wide";
  }

  function draw(figure, vega) {
    var layout = layoutOf(figure);
    var url = layout === "narrow" ? figure.dataset.specNarrow : figure.dataset.spec;
    var viewBox = figure.querySelector(".study-chart__view");
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("its spec answered HTTP " + response.status);
        return response.json();
      })
      .then(function (spec) {
        var holder = document.createElement("div");
        // Compiled from Vega-Lite at build time: Vega draws it as it is.
        var view = new vega.View(vega.parse(spec), {
          renderer: "svg",
          container: holder,
          hover: true,
        });
        view.tooltip(showTooltip);
        return view.runAsync().then(function () {
          var svg = holder.querySelector("svg");
          if (!svg) throw new Error("the interactive view drew nothing");
          svg.setAttribute("role", "img");
          var label = figure.querySelector(".study-chart__svg svg").getAttribute("aria-label");
          svg.setAttribute("aria-label", label);
          if (figure._studyView) figure._studyView.finalize();
          viewBox.replaceChildren(holder);
          figure._studyView = view;
          figure.dataset.layout = layout;
        });
      });
  }

  // A chart whose column crosses the breakpoint (a rotated phone, a resized window) is drawn
  // again in the layout that now fits.
  var resized =
    "ResizeObserver" in window
      ? new ResizeObserver(function (entries) {
          entries.forEach(function (entry) {
            var figure = entry.target;
            if (!figure.isConnected) {
              resized.unobserve(figure);
            } else if (figure.dataset.state === "interactive" && layoutOf(figure) !== figure.dataset.layout) {
              loadRuntime().then(function (vega) {
                return draw(figure, vega);
              }).catch(function (error) {
                console.warn("study-charts: chart '" + figure.dataset.chart + "' kept its layout: " + (error && error.message));
              });
            }
          });
        })
      : null;

  function enhance(figure) {
    if (figure.dataset.state) return;
    figure.dataset.state = "loading";
    var name = figure.dataset.chart;
    var staticBox = figure.querySelector(".study-chart__svg");
    var viewBox = figure.querySelector(".study-chart__view");
    loadRuntime()
      .then(function (vega) {
        return draw(figure, vega);
      })
      .then(function () {
        viewBox.hidden = false;
        staticBox.hidden = true;
        figure.dataset.state = "interactive";
        if (resized) resized.observe(figure);
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

  // A chart's large data table (analysis/render/blocks.py: more than INLINE_ROWS rows) is not in
  // the page, which names it and links its CSV; opening the chart's "Text description and data"
  // block builds the table from that CSV, once, in place of the line that named it (whose words
  // and link become the table's caption). Without JavaScript the link is the data. Only a file
  // of this site is fetched; the table is made of text nodes, never parsed as HTML.
  function parseCsv(text) {
    // RFC 4180, as pandas writes it: fields quoted when they hold a comma, quote or line break.
    var rows = [];
    var row = [];
    var field = "";
    var quoted = false;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (quoted) {
        if (c !== '"') field += c;
        else if (text.charAt(i + 1) === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === ",") {
        row.push(field);
        field = "";
      } else if (c === "\n") {
        row.push(field);
        rows.push(row);
        row = [];
        field = "";
      } else if (c !== "\r") field += c;
    }
    if (field !== "" || row.length) {
      row.push(field);
      rows.push(row);
    }
    return rows;
  }

  function dataTable(rows, note) {
    var table = document.createElement("table");
    table.setAttribute("data-search-exclude", "");
    var caption = table.createCaption();
    while (note.firstChild) caption.appendChild(note.firstChild);
    var head = table.createTHead().insertRow();
    rows[0].forEach(function (name) {
      var cell = document.createElement("th");
      cell.scope = "col";
      cell.textContent = name;
      head.appendChild(cell);
    });
    var body = table.createTBody();
    rows.slice(1).forEach(function (values) {
      var row = body.insertRow();
      values.forEach(function (value) {
        row.insertCell().textContent = value;
      });
    });
    // Material wraps the tables a page has when it loads in a scrolling box; this one comes later.
    var scroll = document.createElement("div");
    scroll.className = "md-typeset__scrollwrap";
    var inner = document.createElement("div");
    inner.className = "md-typeset__table";
    inner.appendChild(table);
    scroll.appendChild(inner);
    return scroll;
  }

  function loadTable(box) {
    if (box.dataset.state) return;
    var link = box.querySelector("a[href]");
    var note = box.querySelector("p");
    if (!link || !note) return;
    box.dataset.state = "loading";
    box.setAttribute("aria-busy", "true");
    var url = new URL(link.href, document.baseURI);
    var done =
      url.origin !== location.origin
        ? Promise.reject(new Error("its file is not on this site"))
        : fetch(url.href, { credentials: "same-origin" }).then(function (response) {
            if (!response.ok) throw new Error("its file answered HTTP " + response.status);
            return response.text();
          });
    done
      .then(function (text) {
        var rows = parseCsv(text);
        if (rows.length < 2) throw new Error("its file holds no rows");
        box.replaceChildren(dataTable(rows, note));
        box.dataset.state = "loaded";
        focusableScrollBoxes();
      })
      .catch(function (error) {
        box.dataset.state = "failed";
        var said = document.createElement("p");
        said.textContent = "The table could not be shown here; the file above holds the same data.";
        box.appendChild(said);
        var chart = box.closest("figure.study-chart");
        console.warn(
          "study-charts: the data table of chart '" + (chart ? chart.dataset.chart : "?") +
            "' was not shown: " + (error && error.message)
        );
      })
      .then(function () {
        box.removeAttribute("aria-busy");
      });
  }

  function loadTablesIn(details) {
    details.querySelectorAll(".study-chart__table[data-table-rows]").forEach(loadTable);
  }

  // toggle does not bubble; a capturing listener on the document sees every <details>, on this
  // page and on every page instant navigation brings, without being added again.
  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (details.open && details.matches && details.matches("details.study-chart__data")) {
        loadTablesIn(details);
      }
    },
    true
  );

  // Nothing heavy happens before the reader does something: the runtime (~200 KB gzip) waits
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
    if (tip) tip.hidden = true; // a tooltip left from the page before an instant navigation
    focusableScrollBoxes();
    // A block opened before this script ran (it is deferred) gets its table now.
    document.querySelectorAll("details.study-chart__data[open]").forEach(loadTablesIn);
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
