/* Draws the network from the JSON in #wk-data with vis-network.
 *
 * A fixed script: no user text is ever part of it. Names and tooltips arrive
 * as JSON strings and reach the page only as canvas labels or as the
 * textContent of DOM elements, so markup in a name shows as the characters
 * typed.
 *
 * Browser tests read window.wijknetwerk (network, nodeCount, edgeCount, drawn)
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
  var names = {};
  data.nodes.forEach(function (n) {
    names[n.id] = n.tooltip.split("\n")[0];
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
  var container = document.getElementById("network");
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
  var touched = false;
  // Fit the nodes into the part of the frame the legend box leaves free, so the
  // legend hides no node; shrink only as far as the binding dimension needs.
  function fitBesideLegend() {
    var ids = data.focus.length ? data.focus : nodes.getIds();
    var at = network.getPositions(ids);
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    Object.keys(at).forEach(function (id) {
      minX = Math.min(minX, at[id].x); maxX = Math.max(maxX, at[id].x);
      minY = Math.min(minY, at[id].y); maxY = Math.max(maxY, at[id].y);
    });
    if (!isFinite(minX)) { network.fit({animation: false}); return; }
    var width = container.clientWidth, height = container.clientHeight;
    var legend = document.getElementById("legend");
    var room = legend && width >= 600 ? legend.offsetWidth + 20 : 0;
    // Screen pixels kept free around the outermost nodes: half a label sideways,
    // a node and its label below.
    var padX = Math.min(70, width / 12), padY = 30;
    var scale = Math.min((width - room - 2 * padX) / Math.max(maxX - minX, 1),
                         (height - 2 * padY) / Math.max(maxY - minY, 1), 2.5);
    network.moveTo({position: {x: (minX + maxX) / 2 - room / 2 / scale, y: (minY + maxY) / 2},
                    scale: scale, animation: false});
    // A district-sized network fits at a scale where labels would drop below the
    // draw threshold; grow them (in canvas units) so names read at the fitted zoom.
    // Large networks keep hiding labels until zoomed in.
    if (nodes.length <= data.labelLimit) {
      var px = data.options.nodes.font.size;
      network.setOptions({nodes: {font: {size: Math.min(data.labelPx / scale, px * 3)}}});
    }
  }
  var legendBox = document.getElementById("legend");
  // In a narrow frame an open legend would leave the network a strip: start folded.
  if (legendBox && container.clientWidth > 0 && container.clientWidth < 900) {
    legendBox.removeAttribute("open");
  }
  if (legendBox) {
    legendBox.addEventListener("toggle", function () { if (!touched) { fitBesideLegend(); } });
  }
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", fitBesideLegend);
  } else {
    fitBesideLegend();
  }
  // The host page may size the frame after this script ran (Streamlit sets an
  // iframe's width once its column is laid out): fit again whenever the drawing
  // area changes size, until the viewer has zoomed or dragged the view.
  network.on("dragStart", function () { touched = true; });
  network.on("zoom", function () { touched = true; });
  var size = container.clientWidth + "x" + container.clientHeight;
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      var now = container.clientWidth + "x" + container.clientHeight;
      if (touched || now === size || !container.clientWidth) { return; }
      size = now;
      network.redraw();
      fitBesideLegend();
    }).observe(container);
  }
})();
