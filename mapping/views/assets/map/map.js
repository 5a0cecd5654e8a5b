/* Draws the district map from the JSON in #wk-data with Leaflet.
 *
 * A fixed script: no user text is ever part of it. Names, popups, tooltips
 * and neighbourhood labels arrive as JSON strings and reach the page only as
 * the textContent of DOM elements, so markup in a name shows as the
 * characters typed. The few strings Leaflet itself puts in as HTML (layer
 * names, tile attributions) are the tool's own texts, escaped here anyway.
 *
 * Browser tests read window.wijkkaart (polygons, population, markers, groups,
 * lines, labels, drawn, map) and the data-* attributes of #wijkkaart-status.
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("wk-data").textContent);
  var text = data.text;

  function box(value, className) {
    var el = document.createElement("div");
    el.className = className || "wk-text";
    el.textContent = value;
    return el;
  }
  // A popup: the first line (the name) as a heading, the rest as lines of text.
  function popup(value) {
    var lines = String(value).split("\n");
    var el = box("", "wk-text wk-popup");
    el.appendChild(box(lines[0], "wk-title"));
    if (lines.length > 1) { el.appendChild(box(lines.slice(1).join("\n"), "wk-lines")); }
    return el;
  }
  function escapeHtml(value) {
    var el = document.createElement("span");
    el.textContent = value;
    return el.innerHTML;
  }
  var popupOptions = {minWidth: data.popup.minWidth, maxWidth: data.popup.maxWidth,
                      autoPanPadding: [20, 20]};
  function bind(layer, item) {
    if (item.tooltip) { layer.bindTooltip(box(item.tooltip), {sticky: true}); }
    if (item.popup) { layer.bindPopup(popup(item.popup), popupOptions); }
    return layer;
  }

  var map = L.map("map", {zoomSnap: 0.25, minZoom: 3, maxZoom: 19});
  L.control.scale({imperial: false}).addTo(map);

  // Base maps: only the chosen one is on the map, so only it asks for tiles;
  // "none" (the default) asks for nothing at all.
  var bases = {};
  data.baseLayers.forEach(function (b) {
    var layer = b.url ? L.tileLayer(b.url, {maxZoom: 19, attribution: escapeHtml(b.attribution)})
                      : L.layerGroup();
    bases[escapeHtml(b.name)] = layer;
    if (b.id === data.base) { layer.addTo(map); }
  });

  function area(p, group) {
    L.geoJSON({type: "Feature", properties: {}, geometry: p.geometry}, {
      style: function () { return p.style; },
      onEachFeature: function (_feature, layer) { bind(layer, p); }
    }).addTo(group);
  }
  var polygons = L.featureGroup();
  // The CBS layer (families in known groups / CBS households with children),
  // present only when the neighbourhoods carry CBS figures.
  var population = L.featureGroup();
  var cbs = data.population || [];
  cbs.forEach(function (p) { area(p, population); });
  var labels = L.layerGroup();
  data.polygons.forEach(function (p) {
    area(p, polygons);
    if (p.at && p.name) {
      labels.addLayer(L.tooltip({permanent: true, direction: "center", interactive: false,
                                 className: "wk-hood-label", opacity: 1})
        .setLatLng(p.at).setContent(box(p.name, "wk-hood-name")));
    }
  });

  function batch(items, factory) {
    var group = L.featureGroup();
    items.forEach(function (it) { bind(factory(it.at, it.options), it).addTo(group); });
    return group;
  }
  var lines = batch(data.lines, L.polyline);
  var groups = batch(data.groups, L.circleMarker);
  var orgs = batch(data.orgs, L.circleMarker);

  // Drawing order: areas, their names, lines, groups, organisations on top.
  // One colouring of the areas at a time at first: the CBS layer replaces the
  // route shares when asked for (both stay in the layer control).
  if (data.showPopulation) { population.addTo(map); } else { polygons.addTo(map); }
  labels.addTo(map);
  if (data.showCollaborations) { lines.addTo(map); }
  groups.addTo(map);
  orgs.addTo(map);
  var overlays = {};
  overlays[escapeHtml(text.polygons)] = polygons;
  if (cbs.length) { overlays[escapeHtml(text.population)] = population; }
  overlays[escapeHtml(text.labels)] = labels;
  overlays[escapeHtml(text.collaborations)] = lines;
  overlays[escapeHtml(text.groups)] = groups;
  overlays[escapeHtml(text.organisations)] = orgs;
  var layers = L.control.layers(bases, overlays, {collapsed: false, position: "topright"});
  layers.addTo(map);
  // An area layer switched on later goes beneath the markers and lines, never over them.
  map.on("overlayadd", function (e) {
    if (e.layer === population || e.layer === polygons) { e.layer.bringToBack(); }
  });

  // The legend (rendered as a folded <details> box in the page) and the notes
  // about what could not be placed become map controls, so clicks and scrolls
  // in them do not move the map.
  function control(element, position) {
    var Box = L.Control.extend({
      onAdd: function () {
        var holder = L.DomUtil.create("div", "wk-control");
        holder.appendChild(element);
        L.DomEvent.disableClickPropagation(holder);
        L.DomEvent.disableScrollPropagation(holder);
        return holder;
      }
    });
    new Box({position: position}).addTo(map);
  }
  var legend = document.getElementById("legend");
  if (legend) { control(legend, "bottomleft"); }
  if (data.notes.length) {
    var notes = box("", "wk-notes");
    notes.id = "wijkkaart-notes";
    data.notes.forEach(function (note) { notes.appendChild(box(note, "wk-note")); });
    control(notes, "bottomright");
  }

  // Fit the district into the part of the frame the open layer list leaves free:
  // beside it on a wide frame, below it on a narrower one (a 1400 px screen, the
  // presentation mode), so no neighbourhood or name hides behind it; fit again
  // when the host page resizes the frame, until the viewer zooms or drags.
  function fit() {
    if (!data.bounds) { map.setView(data.centre, 13); return; }
    var width = map.getSize().x;
    var box = layers.getContainer();
    var beside = width > 3 * box.offsetWidth;
    var right = beside ? box.offsetWidth + 20 : 30;
    var top = beside ? 30 : box.offsetTop + box.offsetHeight + 20;
    map.fitBounds(data.bounds, {paddingTopLeft: [30, top], paddingBottomRight: [right, 30],
                                maxZoom: 17, animate: false});
  }
  var touched = false, fitting = false;
  fit();
  map.on("dragstart zoomstart", function () { if (!fitting) { touched = true; } });
  window.addEventListener("resize", function () {
    if (touched) { return; }
    fitting = true;
    map.invalidateSize({animate: false});
    fit();
    fitting = false;
  });

  // After everything is added: count what was drawn, for tests and the page.
  var counts = {polygons: 0, population: 0, markers: 0, groups: 0, lines: 0};
  map.eachLayer(function (layer) {
    var role = layer.options && layer.options.wkRole;
    if (role && layer._path) { counts[role] += 1; }
  });
  counts.labels = labels.getLayers().length;
  counts.placement = data.placement;
  counts.drawn = true;
  counts.map = map;
  window.wijkkaart = counts;
  var status = document.getElementById("wijkkaart-status");
  ["polygons", "population", "markers", "groups", "lines", "labels"].forEach(function (k) {
    status.setAttribute("data-" + k, String(counts[k]));
  });
  Object.keys(data.placement).forEach(function (k) {
    status.setAttribute("data-" + k, String(data.placement[k]));
  });
  status.setAttribute("data-drawn", "1");
})();
