/* Draws the network from the JSON in #wk-data with vis-network.
 *
 * A fixed script: no user text is ever part of it. Names and tooltips arrive
 * as JSON strings and reach the page only as canvas labels or as the
 * textContent of DOM elements, so markup in a name shows as the characters
 * typed.
 *
 * Labels: only those that fit are drawn (the others have font size 0). placeLabels() walks the nodes in
 * data.order (most important first) and shows a label when its box, at the
 * current zoom, overlaps no label already shown, no other node and no edge of
 * the frame; the rest appear when zoomed in far enough, or on hover. Shown
 * labels keep data.labelPx pixels on screen at every zoom.
 *
 * Browser tests read window.wijknetwerk (network, nodeCount, edgeCount, drawn,
 * labelBoxes(), overlappingLabels(), focusNode(), pngDataUrl(), svgText())
 * and the container's data-drawn / data-node-count attributes.
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("wk-data").textContent);
  // Tooltips as DOM elements with textContent: user text can never become markup.
  function tip(text) {
    var el = document.createElement("div");
    el.textContent = text;
    return el;
  }
  // Expand the compact data: names for edge tooltips, hover and selection colours.
  // Labels start hidden; placeLabels() shows those that fit before the first frame.
  var names = {}, labels = {}, fonts = {}, radius = {}, info = {};
  data.nodes.forEach(function (n) {
    names[n.id] = n.tooltip.split("\n")[0];
    labels[n.id] = n.label;
    fonts[n.id] = n.font || {};
    radius[n.id] = n.size;
    info[n.id] = {shape: n.shape, color: n.color.background, border: n.color.border,
                  borderWidth: n.borderWidth || data.options.nodes.borderWidth};
    // Hidden as a zero font size (the label itself stays, for tests and tools).
    n.label = labels[n.id];
    n.font = Object.assign({}, fonts[n.id], {size: 0});
    n.title = tip(n.tooltip);
    delete n.tooltip;
    if (!n.color.highlight) {
      n.color.highlight = {background: n.color.background, border: data.text};
    }
    n.color.hover = n.color.highlight;
  });
  data.edges.forEach(function (e) {
    var lines = e.tooltip.split("\n");
    lines[0] += ": " + names[e.from] + " \u2013 " + names[e.to];
    e.title = tip(lines.join("\n"));
    delete e.tooltip;
    e.color.highlight = data.text;
  });
  var wrap = document.getElementById("wrap");
  var container = document.getElementById("network");
  var legendBox = document.getElementById("legend");
  // Wide frames get the legend as a column beside the drawing; narrow frames and
  // the workshop a folded box over its corner, so the network keeps the room.
  // Beside it only while the drawing keeps three quarters of the width.
  var legendWidth = legendBox && legendBox.className.indexOf("present") >= 0 ? 330 : 290;
  var side = !!legendBox && !data.legendFolded && wrap.clientWidth * 0.25 >= legendWidth;
  wrap.className = side ? "side" : "overlay";
  if (legendBox && !side) { legendBox.removeAttribute("open"); }

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  var state = window.wijknetwerk = {
    network: network, nodes: nodes, edges: edges, drawn: false,
    nodeCount: network.body.nodeIndices.length, edgeCount: network.body.edgeIndices.length
  };
  network.once("afterDrawing", function () {
    state.drawn = true;
    state.drawnAt = performance.now();
    state.nodeCount = network.body.nodeIndices.length;
    state.edgeCount = network.body.edgeIndices.length;
    container.setAttribute("data-node-count", String(state.nodeCount));
    container.setAttribute("data-edge-count", String(state.edgeCount));
    container.setAttribute("data-drawn", "1");
  });

  // ------------------------------------------------------------------ labels
  var fontOpt = data.options.nodes.font;
  var face = fontOpt.face, stroke = fontOpt.strokeWidth || 0;
  var measure = document.createElement("canvas").getContext("2d");
  var widths = {};  // label width in px at a 100 px font, per node
  function labelWidth(id, px) {
    if (widths[id] === undefined) {
      measure.font = "100px " + face;
      widths[id] = Math.max.apply(null, labels[id].split("\n").map(function (line) {
        return measure.measureText(line).width;
      }));
    }
    return widths[id] * px / 100;
  }
  var pinned = {};  // hovered, selected or found nodes: always labelled, placed first
  var shown = {};   // id -> canvas font size of its shown label
  var MARGIN = 3;   // screen pixels kept free around every label
  // Where vis-network draws a node's label (below the shape, "hanging"), in screen px.
  // ``above``: moved above the shape instead (font.vadjust, in canvas units).
  function labelBox(id, at, scale, px, above) {
    var lines = labels[id].split("\n").length;
    var w = labelWidth(id, px) + stroke;
    var h = lines * px * 1.1 + stroke;
    var half = radius[id] * scale;
    var below = at.y + half + px / 2 + 4 * scale;
    var top = above ? at.y - half - 3 - h : below - px * 0.1;
    return {l: at.x - w / 2 - MARGIN, r: at.x + w / 2 + MARGIN, t: top - MARGIN,
            b: top + h + MARGIN, shift: above ? (top - below) / scale : 0};
  }
  function hits(a, b) { return a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b; }
  function Grid(cell) { this.cell = cell; this.cells = {}; }
  Grid.prototype.keys = function (box, fn) {
    var c = this.cell;
    for (var x = Math.floor(box.l / c); x <= Math.floor(box.r / c); x++) {
      for (var y = Math.floor(box.t / c); y <= Math.floor(box.b / c); y++) {
        if (fn(x + ":" + y)) { return true; }
      }
    }
    return false;
  };
  Grid.prototype.add = function (box) {
    var cells = this.cells;
    this.keys(box, function (k) { (cells[k] = cells[k] || []).push(box); return false; });
  };
  Grid.prototype.hit = function (box, ignore) {
    var cells = this.cells;
    return this.keys(box, function (k) {
      var list = cells[k];
      if (!list) { return false; }
      for (var i = 0; i < list.length; i++) {
        if (list[i].id !== ignore && hits(box, list[i])) { return true; }
      }
      return false;
    });
  };
  function placeLabels() {
    var scale = network.getScale();
    var px = data.labelPx;
    var width = container.clientWidth, height = container.clientHeight;
    if (!width || !height) { return; }
    var at = network.getPositions();
    var screen = {};
    var shapes = new Grid(80), placed = new Grid(80);
    // canvasToDOM per node asks the DOM for the canvas size each time (a tenth of a
    // second at 2,000 nodes); the view's translation gives the same numbers.
    var view = network.body && network.body.view;
    var toDOM = view && view.translation ? function (q) {
      return {x: q.x * view.scale + view.translation.x, y: q.y * view.scale + view.translation.y};
    } : function (q) { return network.canvasToDOM(q); };
    Object.keys(at).forEach(function (id) {
      var p = toDOM(at[id]);
      screen[id] = p;
      var r = radius[id] * scale;
      if (p.x + r < 0 || p.x - r > width || p.y + r < 0 || p.y - r > height) { return; }
      // A label may graze a node's rim but never cover its middle.
      var core = Math.min(Math.max(r * 0.4, 2), 7);
      shapes.add({id: id, l: p.x - core, r: p.x + core, t: p.y - core, b: p.y + core});
    });
    // The folded legend box covers the drawing's corner: no label under it.
    if (legendBox && !side) {
      var lr = legendBox.getBoundingClientRect(), cr = container.getBoundingClientRect();
      placed.add({id: "", l: lr.left - cr.left, r: lr.right - cr.left,
                  t: lr.top - cr.top, b: lr.bottom - cr.top});
    }
    var order = Object.keys(pinned).concat(data.order);
    var want = {};
    order.forEach(function (id) {
      if (want[id] !== undefined || !labels[id] || !screen[id]) { return; }
      // Below the shape where it fits, else above it.
      for (var k = 0; k < 2; k++) {
        var box = labelBox(id, screen[id], scale, px, k === 1);
        box.id = id;
        var inFrame = box.l >= 0 && box.t >= 0 && box.r <= width && box.b <= height;
        var free = !placed.hit(box) && (pinned[id] || (inFrame && !shapes.hit(box, id)));
        if (free) {
          want[id] = {size: px / scale, vadjust: box.shift};
          placed.add(box);
          return;
        }
      }
    });
    var updates = [];
    Object.keys(want).forEach(function (id) {
      var now = shown[id], next = want[id];
      if (!now || now.size !== next.size || now.vadjust !== next.vadjust) {
        var font = Object.assign({}, fonts[id], next);
        updates.push({id: id, font: font});
      }
    });
    Object.keys(shown).forEach(function (id) {
      if (want[id] === undefined) {
        updates.push({id: id, font: Object.assign({}, fonts[id], {size: 0})});
      }
    });
    shown = want;
    if (updates.length) { nodes.update(updates); }
    state.labelsShown = Object.keys(want).length;
  }

  // ------------------------------------------------------------------ fitting
  var touched = false;
  // Fit the nodes with room for a label below the lowest one and half a label
  // beside the outermost ones, so nothing starts cut off at the frame's edge.
  function fitView() {
    var ids = data.focus.length ? data.focus : nodes.getIds();
    var at = network.getPositions(ids);
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, big = 0;
    Object.keys(at).forEach(function (id) {
      minX = Math.min(minX, at[id].x); maxX = Math.max(maxX, at[id].x);
      minY = Math.min(minY, at[id].y); maxY = Math.max(maxY, at[id].y);
      big = Math.max(big, radius[id] || 0);
    });
    var width = container.clientWidth, height = container.clientHeight;
    if (!isFinite(minX) || !width || !height) { network.fit({animation: false}); placeLabels(); return; }
    var px = data.labelPx;
    // A margin all round: nothing drawn touches the frame's edge.
    var padX = Math.min(110, width / 10), padTop = Math.max(16, 0.8 * px),
        padBottom = 2.6 * px + 12;
    // The nodes' radius in pixels grows with the scale: solve span * scale + 2 * r = room
    // for the scale, with r = 1.2 * big * scale + 4 (vis draws a triangle's apex 1.15 radii
    // from its centre, and the border outside it). Two rounds of guessing r from the
    // previous scale came out too large, and the largest group met the frame's top edge.
    var reach = 2 * 1.2 * big, border = 2 * 4;
    var scale = Math.min((width - 2 * padX - border) / (Math.max(maxX - minX, 1) + reach),
                         (height - padTop - padBottom - border) / (Math.max(maxY - minY, 1) + reach),
                         2.5);
    scale = Math.max(scale, 0.02);
    var shift = (padBottom - padTop) / 2 / scale;
    network.moveTo({position: {x: (minX + maxX) / 2, y: (minY + maxY) / 2 + shift},
                    scale: scale, animation: false});
    placeLabels();
  }
  if (legendBox) {
    legendBox.addEventListener("toggle", function () {
      if (side && !touched) { network.redraw(); fitView(); } else { placeLabels(); }
    });
  }
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", fitView);
  }
  fitView();
  // The host page may size the frame after this script ran (Streamlit sets an
  // iframe's width once its column is laid out): fit again whenever the drawing
  // area changes size, until the viewer has zoomed or dragged the view.
  var settle = null;
  function later() { clearTimeout(settle); settle = setTimeout(placeLabels, 120); }
  network.on("dragStart", function () { touched = true; });
  network.on("dragEnd", later);
  network.on("zoom", function () { touched = true; later(); });
  // Hover shows the name of a node whose label did not fit (a label already shown stays).
  network.on("hoverNode", function (e) {
    if (shown[e.node]) { return; }
    pinned = {}; pinned[e.node] = 1; addSelected(); placeLabels();
  });
  network.on("blurNode", function (e) {
    if (!pinned[e.node]) { return; }
    pinned = {}; addSelected(); placeLabels();
  });
  network.on("selectNode", function () { pinned = {}; addSelected(); placeLabels(); });
  network.on("deselectNode", function () { pinned = {}; addSelected(); placeLabels(); });
  function addSelected() {
    network.getSelectedNodes().forEach(function (id) { pinned[id] = 1; });
  }
  var size = container.clientWidth + "x" + container.clientHeight;
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      var now = container.clientWidth + "x" + container.clientHeight;
      if (now === size || !container.clientWidth) { return; }
      size = now;
      network.redraw();
      if (touched) { placeLabels(); } else { fitView(); }
    }).observe(container);
  }

  // ------------------------------------------------------------------ search
  function plain(text) {  // case- and accent-insensitive form of a name
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  var index = Object.keys(names).map(function (id) {
    return {id: id, name: names[id], key: plain(names[id])};
  });
  var input = document.getElementById("wk-search");
  var list = document.getElementById("wk-hits");
  var status = document.getElementById("wk-found");
  var found = [], active = 0;
  function focusNode(id) {
    if (!nodes.get(id)) { return false; }
    touched = true;
    network.selectNodes([id]);
    pinned = {};
    pinned[id] = 1;
    var scale = Math.max(network.getScale(), 1.2);
    network.moveTo({position: network.getPositions([id])[id], scale: scale, animation: false});
    placeLabels();
    state.focused = id;
    list.hidden = true;
    return true;
  }
  function showHits() {
    var q = plain(input.value);
    list.textContent = "";
    found = q ? index.filter(function (e) { return e.key.indexOf(q) >= 0; }) : [];
    found.sort(function (a, b) {
      return (a.key.indexOf(q) !== 0) - (b.key.indexOf(q) !== 0) || a.key.localeCompare(b.key);
    });
    active = 0;
    found.slice(0, 12).forEach(function (e, i) {
      var li = document.createElement("li");
      li.textContent = e.name;
      li.setAttribute("role", "option");
      if (i === 0) { li.className = "on"; }
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(e); });
      list.appendChild(li);
    });
    list.hidden = !found.length;
    status.textContent = !q ? "" : found.length ? data.found.replace("{n}", String(found.length))
      : data.notFound;
  }
  function choose(e) { input.value = e.name; focusNode(e.id); }
  input.addEventListener("input", showHits);
  input.addEventListener("keydown", function (ev) {
    var items = list.children;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!items.length) { return; }
      ev.preventDefault();
      items[active].className = "";
      active = (active + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items[active].className = "on";
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      if (!found.length) { showHits(); }
      if (found.length) { choose(found[active] || found[0]); }
    } else if (ev.key === "Escape") {
      list.hidden = true;
    }
  });
  input.addEventListener("blur", function () { list.hidden = true; });

  // ------------------------------------------------------------------ full screen
  document.getElementById("wk-fullscreen").addEventListener("click", function () {
    var doc = document, top = null;
    try { top = window.frameElement ? window.parent.document : null; } catch (err) { top = null; }
    var current = (top && top.fullscreenElement) || doc.fullscreenElement;
    if (current) {
      (top && top.fullscreenElement ? top : doc).exitFullscreen();
      return;
    }
    // Inside the dashboard's frame: make the frame itself fill the screen.
    var target = window.frameElement || doc.documentElement;
    if (target.requestFullscreen) { target.requestFullscreen().catch(function () {}); }
  });

  // ------------------------------------------------------------------ downloads
  function pngDataUrl() {
    var src = container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = src.width;
    out.height = src.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = data.background;  // vis-network's canvas is transparent
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    return out.toDataURL("image/png");
  }
  var SVG = "http://www.w3.org/2000/svg";
  // The current view as SVG, drawn from the same positions, colours and shown
  // labels; names are text nodes, so the serializer escapes them.
  function svgText() {
    var width = container.clientWidth, height = container.clientHeight, scale = network.getScale();
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("xmlns", SVG);
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    function el(name, attrs, parent) {
      var e = document.createElementNS(SVG, name);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      (parent || svg).appendChild(e);
      return e;
    }
    el("rect", {x: 0, y: 0, width: width, height: height, fill: data.background});
    var at = network.getPositions(), screen = {};
    Object.keys(at).forEach(function (id) { screen[id] = network.canvasToDOM(at[id]); });
    var g = el("g", {fill: "none"});
    edges.get().forEach(function (e) {
      var a = screen[e.from], b = screen[e.to];
      if (!a || !b) { return; }
      var attrs = {x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1), y2: b.y.toFixed(1),
                   stroke: e.color.color, "stroke-width": (e.width * scale).toFixed(2)};
      if (e.dashes) { attrs["stroke-dasharray"] = (8 * scale) + " " + (6 * scale); }
      el("line", attrs, g);
    });
    data.order.slice().reverse().forEach(function (id) {
      var p = screen[id], d = info[id], r = radius[id] * scale;
      if (!p) { return; }
      var style = {fill: d.color, stroke: d.border, "stroke-width": d.borderWidth * scale};
      if (d.shape === "square") {
        el("rect", Object.assign({x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r}, style));
      } else if (d.shape === "triangle") {
        var pts = [[p.x, p.y - r * 1.15], [p.x - r, p.y + r * 0.58], [p.x + r, p.y + r * 0.58]];
        el("polygon", Object.assign({points: pts.map(function (q) {
          return q[0].toFixed(1) + "," + q[1].toFixed(1);
        }).join(" ")}, style));
      } else {
        el("circle", Object.assign({cx: p.x, cy: p.y, r: r}, style));
      }
    });
    var px = data.labelPx;
    Object.keys(shown).forEach(function (id) {
      var p = screen[id];
      var top = p.y + radius[id] * scale + px / 2 + 4 * scale + shown[id].vadjust * scale;
      labels[id].split("\n").forEach(function (line, i) {
        var t = el("text", {x: p.x, y: top + (i + 0.8) * px * 1.15, "text-anchor": "middle",
                            "font-family": face, "font-size": px, fill: fontOpt.color,
                            stroke: fontOpt.strokeColor, "stroke-width": stroke,
                            "paint-order": "stroke"});
        t.textContent = line;
      });
    });
    return new XMLSerializer().serializeToString(svg);
  }
  function download(url, name) {
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  document.getElementById("wk-png").addEventListener("click", function () {
    download(pngDataUrl(), data.fileName + ".png");
  });
  document.getElementById("wk-svg").addEventListener("click", function () {
    var url = URL.createObjectURL(new Blob([svgText()], {type: "image/svg+xml"}));
    download(url, data.fileName + ".svg");
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  });

  // ------------------------------------------------------------------ for tests and benchmarks
  // The drawn labels' boxes in frame pixels, as vis-network itself laid them out.
  state.labelBoxes = function () {
    var out = [];
    network.body.nodeIndices.forEach(function (id) {
      var m = network.body.nodes[id].labelModule;
      if (!m.visible() || !m.elementOptions.label || !m.fontOptions.size) { return; }
      // vis-network shifts the text by font.vadjust when it draws, not its box.
      var v = m.fontOptions.vadjust || 0;
      var a = network.canvasToDOM({x: m.size.left, y: m.size.top + v});
      var b = network.canvasToDOM({x: m.size.left + m.size.width,
                                   y: m.size.top + m.size.height + v});
      out.push({id: id, l: a.x, t: a.y, r: b.x, b: b.y});
    });
    return out;
  };
  state.overlappingLabels = function () {
    var boxes = state.labelBoxes(), pairs = [];
    for (var i = 0; i < boxes.length; i++) {
      for (var j = i + 1; j < boxes.length; j++) {
        if (hits(boxes[i], boxes[j])) { pairs.push([boxes[i].id, boxes[j].id]); }
      }
    }
    return pairs;
  };
  state.frame = function () { return {width: container.clientWidth, height: container.clientHeight}; };
  state.focusNode = focusNode;
  state.placeLabels = placeLabels;
  state.pngDataUrl = pngDataUrl;
  state.svgText = svgText;
})();
