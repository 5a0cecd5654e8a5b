/* The city view's tooltips, built in the page from numbers (runs before network.js).
 *
 * A fixed script: no user text is ever part of it. The city page's JSON
 * (#wk-data) carries, per node, ``tip`` (its name as text and its numbers) and,
 * per line, the links it stands for; this script words them with the catalog's
 * words in ``data.city`` and writes back the nodes' and lines' ``tooltip``
 * strings and colours in the form network.js draws. Names stay strings
 * throughout: network.js shows tooltips as textContent, never as markup.
 * Sending numbers instead of 13,871 worded tooltips made a 4x city's page
 * several megabytes smaller.
 */
(function () {
  "use strict";
  var el = document.getElementById("wk-data");
  var data = JSON.parse(el.textContent);
  var city = data.city;
  if (!city) { return; }
  var words = city.words;
  var number = new Intl.NumberFormat(city.locale, {maximumFractionDigits: 0});
  var percent = new Intl.NumberFormat(city.locale, {style: "percent", maximumFractionDigits: 0});
  var said = {};  // most lines stand for the same few numbers: format each once
  function n(value) {
    if (!Object.prototype.hasOwnProperty.call(said, value)) { said[value] = number.format(value); }
    return said[value];
  }
  // Fills {key} in one of the catalog's words; the values are formatted numbers.
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }
  data.nodes.forEach(function (node) {
    var tip = node.tip;
    var lines = [String(tip.name), words.count + ": " + n(tip.count),
                 words.families_n + ": " + n(tip.families)];
    if (tip.classes) {
      var families = 0;
      tip.classes.forEach(function (c) { families += c[1]; });
      tip.classes.forEach(function (c) {
        lines.push(city.classes[c[0]] + ": " + percent.format(c[1] / (families || 1)));
      });
    }
    lines.push(words.inner + ": " + n(tip.inner));
    if (tip.hidden) { lines.push(words.city_hidden_links + ": " + n(tip.hidden)); }
    node.tooltip = lines.join("\n");
    delete node.tip;
  });
  data.edges.forEach(function (edge) {
    edge.tooltip = words.city_links + "\n" +
      fill(words.agg_links, {n: n(edge.links), r: n(edge.reach), c: n(edge.collab)});
    edge.color = {color: city.colours[edge.c]};
    edge.dashes = false;
    delete edge.c;
  });
  delete data.city;
  // network.js reads #wk-data itself; a script element's text is never parsed as HTML.
  el.textContent = JSON.stringify(data);
})();
