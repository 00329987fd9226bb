/* laguna map viewer: the client side of the Folium elements in webapp/maps/elements.py.
 *
 * Rule: text that comes from the store is only ever set with textContent, never as HTML,
 * so a feature named "<img src=x onerror=alert(1)>" shows as those characters.
 */
var laguna = (function () {
  "use strict";

  function el(tag, cls, text, parent) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (parent) parent.appendChild(node);
    return node;
  }

  function getPath(obj, key) {
    // "attributes.population" reads nested properties.
    return String(key).split(".").reduce(function (o, k) {
      return o === null || o === undefined ? undefined : o[k];
    }, obj);
  }

  function link(href, text, parent) {
    var a = el("a", "laguna-link", text, parent);
    a.href = href;
    return a;
  }

  function fill(template, props) {
    // "/zones/{id}" -> "/zones/12"; values are URL-encoded.
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return encodeURIComponent(props[key] === undefined || props[key] === null ? "" : String(props[key]));
    });
  }

  function formatValue(value, lang, unit) {
    if (value === null || value === undefined || value === "") return "–";
    var text = typeof value === "number"
      ? value.toLocaleString(lang === "en" ? "en-GB" : "it-IT", {maximumFractionDigits: 2})
      : String(value);
    return unit ? text + " " + unit : text;
  }

  /* A popup: title, a table of fields, links. cfg = {title, fields: [{key, label, unit}],
   * links: [{href, label}], lang}. */
  function popupContent(props, cfg) {
    var box = el("div", "laguna-popup");
    var title = cfg.title ? props[cfg.title] : null;
    if ((title === null || title === undefined || title === "") && cfg.titleFallback) {
      title = props[cfg.titleFallback];
    }
    if (title !== null && title !== undefined && title !== "") el("div", "laguna-popup-title", title, box);
    if (cfg.subtitle) el("div", "laguna-popup-subtitle", cfg.subtitle, box);
    var table = el("table", "laguna-popup-fields", null, box);
    (cfg.fields || []).forEach(function (f) {
      var value = getPath(props, f.key);
      if (value === undefined || (value === null && f.hideEmpty)) return;
      if (f.labels && f.labels[value] !== undefined) value = f.labels[value];
      var tr = el("tr", null, null, table);
      el("th", null, f.label, tr);
      el("td", null, formatValue(value, cfg.lang, f.unit), tr);
    });
    var links = el("div", "laguna-popup-links", null, box);
    (cfg.links || []).forEach(function (l) { link(fill(l.href, props), l.label, links); });
    return box;
  }

  var PROPOSED_DASH = "6 4";

  /* Leaflet path options for a feature from a catalogue style (see catalogue Style). */
  function pathStyle(style, props) {
    style = style || {};
    var out = {
      color: style.color || "#333333",
      weight: style.weight === undefined ? 1.5 : style.weight,
      opacity: style.opacity === undefined ? 0.9 : style.opacity,
      fillColor: style.fillColor || style.color || "#3388ff",
      fillOpacity: style.fillOpacity === undefined ? 0.3 : style.fillOpacity,
      fill: style.fill !== false
    };
    if (style.dashArray) out.dashArray = style.dashArray;
    if (props && props.status === "proposed") out.dashArray = PROPOSED_DASH;
    if (style.field && style.classes && props) {
      var value = props[style.field];
      var colour = null;
      if (style.type === "categorized") {
        style.classes.forEach(function (c) { if (String(c.value) === String(value)) colour = c.colour; });
      } else if (value !== null && value !== undefined) {
        style.classes.forEach(function (c) { if (Number(value) >= Number(c.value)) colour = c.colour; });
        if (colour === null && style.classes.length) colour = style.classes[0].colour;
      }
      if (colour) out.fillColor = colour;
      if (colour && style.strokeByClass) out.color = colour;
      if (colour === null && style.noValueColour) out.fillColor = style.noValueColour;
    }
    return out;
  }

  function notice(map, text) {
    var box = map.getContainer().querySelector(".laguna-notice");
    if (!box) box = el("div", "laguna-notice", null, map.getContainer());
    el("div", null, text, box);
  }

  /* Fetch a GeoJSON URL and every "next" page after it (bounded). */
  function fetchAll(url, maxPages) {
    var features = [];
    function step(next, left) {
      return fetch(next, {headers: {"Accept": "application/geo+json"}}).then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error(body && body.error ? body.error.message : r.statusText);
          features = features.concat(body.features || []);
          var more = (body.links || []).filter(function (l) { return l.rel === "next"; })[0];
          if (more && left > 1) return step(more.href, left - 1);
          return {type: "FeatureCollection", features: features};
        });
      });
    }
    return step(url, maxPages || 20);
  }

  function markerIcon(style, props) {
    var colour = style.markerColour || "blue";
    if (style.markerField && style.markerColours) {
      colour = style.markerColours[props[style.markerField]] || colour;
    }
    return L.AwesomeMarkers.icon({icon: style.icon || "circle", prefix: "fa", markerColor: colour});
  }

  /* A layer of GeoJSON features from the API (o.url) or inline (o.data). */
  function dataLayer(map, o) {
    var style = o.style || {};
    var group = o.cluster ? L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 50})
                          : L.featureGroup();
    var loadedZoom = null, loading = false, fitted = false;
    group.lagunaOptions = o;

    // Each layer draws in a pane of its own, stacked in the order the server gave, so
    // that small zones stay above large ones whichever answer arrives first.
    var pane;
    if (o.order !== undefined) {
      pane = "laguna-pane-" + o.order;
      if (!map.getPane(pane)) map.createPane(pane).style.zIndex = String(400 + o.order);
    }

    function build(fc) {
      return L.geoJSON(fc, {
        pane: pane || "overlayPane",
        style: function (f) { return pathStyle(style, f.properties); },
        pointToLayer: function (f, latlng) {
          if (o.cluster || style.marker) return L.marker(latlng, {icon: markerIcon(style, f.properties)});
          var opts = pathStyle(style, f.properties);
          if (pane) opts.pane = pane;
          opts.radius = style.radius || 6;
          opts.fillOpacity = style.fillOpacity === undefined ? 0.85 : style.fillOpacity;
          return L.circleMarker(latlng, opts);
        },
        onEachFeature: function (f, layer) {
          if (o.popup) layer.bindPopup(function () {
            var box = popupContent(f.properties, o.popup);
            if (o.popup.zoomLabel) {
              var zoom = el("a", "laguna-link laguna-zoom", o.popup.zoomLabel, box.querySelector(".laguna-popup-links"));
              zoom.href = "#";
              zoom.addEventListener("click", function (e) {
                e.preventDefault();
                if (layer.getBounds) map.fitBounds(layer.getBounds(), {maxZoom: 17, padding: [20, 20]});
                else map.setView(layer.getLatLng(), Math.max(map.getZoom(), 16));
              });
            }
            return box;
          }, {maxWidth: 360});
          if (o.tooltip && f.properties[o.tooltip] !== undefined) {
            // a node, not a string: Leaflet would insert a string as HTML
            layer.bindTooltip(el("span", null, f.properties[o.tooltip]), {sticky: true});
          }
        }
      });
    }

    function show(fc) {
      group.clearLayers();
      var layer = build(fc);
      if (o.cluster) group.addLayers(layer.getLayers()); else layer.addTo(group);
      group.featureCount = fc.features.length;
      if (o.fit && !fitted && fc.features.length) {
        fitted = true;
        map.fitBounds(group.getBounds(), {maxZoom: o.maxFitZoom || 16, padding: [10, 10]});
      }
      group.fire("laguna:loaded", {count: fc.features.length});
    }

    function load() {
      if (loading) return;
      loading = true;
      var zoom = Math.round(map.getZoom());
      var url = o.url;
      if (o.reload) url += (url.indexOf("?") < 0 ? "?" : "&") + "zoom=" + zoom;
      fetchAll(url).then(function (fc) {
        loadedZoom = zoom;
        show(fc);
      }).catch(function (err) {
        notice(map, (o.errorText || "Layer could not be loaded") + ": " + err.message);
      }).then(function () { loading = false; });
    }

    if (o.data) {
      show(o.data);
    } else {
      group.on("add", function () { if (loadedZoom === null) load(); });
      if (o.reload) {
        map.on("zoomend", function () {
          if (map.hasLayer(group) && loadedZoom !== null && map.getZoom() > loadedZoom + 1) load();
        });
      }
    }
    return group;
  }

  /* A large layer from the app's vector tiles: features at high zoom, density cells below. */
  function vectorTiles(map, o) {
    var style = o.style || {};
    var styles = {
      features: function (props) {
        var s = pathStyle(style, props);
        s.fill = true;
        s.radius = style.radius || 4;
        return s;
      },
      density: function (props) {
        var alpha = Math.min(0.9, 0.2 + Math.log(1 + props.n) / Math.log(10) / 3);
        return {fill: true, fillColor: style.fillColor || style.color || "#3388ff",
                fillOpacity: alpha, stroke: false, weight: 0};
      }
    };
    var layer = L.vectorGrid.protobuf(o.url, {
      vectorTileLayerStyles: styles, interactive: true, maxNativeZoom: 22, maxZoom: 22,
      rendererFactory: L.canvas.tile, getFeatureId: function (f) { return f.properties.fid; }
    });
    layer.on("click", function (e) {
      var props = e.layer.properties || {};
      var cfg = props.n !== undefined ? o.densityPopup : o.popup;
      if (cfg) L.popup().setLatLng(e.latlng).setContent(popupContent(props, cfg)).openOn(map);
    });
    return layer;
  }

  function swatch(item, parent) {
    var s = el("span", "laguna-swatch laguna-swatch-" + (item.shape || "fill"), null, parent);
    if (item.colour) s.style.backgroundColor = item.colour;
    if (item.stroke) s.style.borderColor = item.stroke;
    if (item.dash) s.style.borderStyle = "dashed";
    return s;
  }

  /* One legend control; each section shows while its layer is on the map. */
  function legend(map, title, sections) {
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "laguna-legend leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var head = el("div", "laguna-legend-title", title, box);
      var body = el("div", "laguna-legend-body", null, box);
      head.addEventListener("click", function () { box.classList.toggle("laguna-collapsed"); });
      sections.forEach(function (s) {
        var spec = s.spec;
        var sec = el("div", "laguna-legend-section", null, body);
        s.node = sec;
        el("div", "laguna-legend-heading", spec.title, sec);
        (spec.items || []).forEach(function (item) {
          var row = el("div", "laguna-legend-item", null, sec);
          swatch(item, row);
          el("span", null, item.label, row);
        });
        if (spec.ramp) {
          var bar = el("div", "laguna-legend-ramp", null, sec);
          bar.style.background = "linear-gradient(to right, " + spec.ramp.colours.join(", ") + ")";
          var ends = el("div", "laguna-legend-ends", null, sec);
          el("span", null, spec.ramp.lowLabel, ends);
          el("span", null, spec.ramp.highLabel, ends);
        }
        if (spec.note) el("div", "laguna-legend-note", spec.note, sec);
      });
      return box;
    };
    control.addTo(map);
    function refresh() {
      sections.forEach(function (s) {
        if (s.node) s.node.style.display = !s.layer || map.hasLayer(s.layer) ? "" : "none";
      });
    }
    map.on("layeradd layerremove", refresh);
    refresh();
    return control;
  }

  function banner(map, text, cls) {
    var box = el("div", cls, text, map.getContainer());
    box.setAttribute("role", "note");
    return box;
  }

  /* When the online basemap cannot be reached (no internet, blocked), switch to the
     offline one the app serves itself and say so: the map never stays grey. */
  function offlineFallback(map, online, fallback, text) {
    var KEY = "laguna-online-basemap-unreachable", errors = 0;
    function switchOver() {
      if (!map.hasLayer(online)) return;
      map.removeLayer(online);
      if (fallback) map.addLayer(fallback);
      var note = el("div", "laguna-notice", text, map.getContainer());
      note.setAttribute("role", "status");
      map.getContainer().setAttribute("data-basemap", "offline");
      try { window.sessionStorage.setItem(KEY, "1"); } catch (e) { /* storage off: ask again */ }
    }
    var known = false;
    try { known = window.sessionStorage.getItem(KEY) === "1"; } catch (e) { /* storage off */ }
    if (known) { switchOver(); return; }  // this session already found it unreachable
    online.on("tileerror", function () { errors += 1; if (errors === 3) switchOver(); });
  }

  /* Search zones and projects by name through /api/search; zoom to the chosen one. */
  function search(map, o) {
    var control = new L.Control.Search({
      url: function (text) { return o.url + "?q=" + encodeURIComponent(text) + "&lang=" + o.lang; },
      propertyName: "label",
      formatData: function (json) {
        var out = {};
        (json.results || []).forEach(function (r) {
          if (!r.bbox) return;  // a project with no location: nothing to zoom to
          var ll = L.latLng((r.bbox[1] + r.bbox[3]) / 2, (r.bbox[0] + r.bbox[2]) / 2);
          ll.bbox = r.bbox;
          out[r.label] = ll;
        });
        return out;
      },
      filterData: function (text, records) { return records; },  // the server already matched
      buildTip: function (text) { return el("li", null, text); },
      moveToLocation: function (latlng, title, m) {
        var b = latlng.bbox;
        m.fitBounds([[b[1], b[0]], [b[3], b[2]]], {maxZoom: 16, padding: [20, 20]});
      },
      marker: false, autoType: false, minLength: 2, collapsed: true, autoCollapse: true,
      firstTipSubmit: true, position: "topleft", textPlaceholder: o.placeholder,
      textErr: o.notFound, textCancel: o.cancel
    });
    map.addControl(control);
    return control;
  }

  var STATUS_COLOURS = {green: "#1a9850", amber: "#f39c12", red: "#d73027", unknown: "#777777"};

  /* The indicator map: a choropleth of places by value for one period, with the
   * traffic light of each place as its outline and a time slider over the periods. */
  function indicatorMap(map, o) {
    var index = Math.max(0, o.periods.indexOf(o.period));
    var period = o.periods[index];

    function colourOf(value) {
      if (value === null || value === undefined) return o.noValueColour;
      for (var i = 0; i < o.colours.length; i++) {
        if (value <= o.breaks[i + 1]) return o.colours[i];
      }
      return o.colours[o.colours.length - 1];
    }

    function valueAt(props) {
      var v = props.values ? props.values[period] : undefined;
      return v === undefined ? null : v;
    }

    function styleOf(f) {
      var status = f.properties.status || "unknown";
      return {fillColor: colourOf(valueAt(f.properties)), fillOpacity: valueAt(f.properties) === null ? 0.15 : 0.75,
              color: STATUS_COLOURS[status] || STATUS_COLOURS.unknown, weight: 3, opacity: 1};
    }

    var layer = L.geoJSON(o.data, {
      style: styleOf,
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, {radius: 9}); },
      onEachFeature: function (f, l) {
        l.bindPopup(function () {
          var props = Object.assign({}, f.properties);
          props.value = valueAt(f.properties);
          props.period = period;
          props.statusLabel = o.statusLabels[f.properties.status || "unknown"];
          props.trendLabel = o.trendLabels[f.properties.trend || "unknown"];
          return popupContent(props, o.popup);
        });
      }
    }).addTo(map);
    if (o.data.features.length) map.fitBounds(layer.getBounds(), {padding: [10, 10]});

    var label;
    var slider;
    // The page's period dropdown (o.periodSelect, its id) follows the slider, and the
    // slider follows it: both always show the period drawn.
    var select = o.periodSelect ? document.getElementById(o.periodSelect) : null;
    function setPeriod(i) {
      index = i;
      period = o.periods[i];
      layer.setStyle(styleOf);
      if (label) label.textContent = period;
      if (slider && Number(slider.value) !== i) slider.value = String(i);
      if (select && select.value !== period) select.value = period;
      if (window.history && window.history.replaceState) {
        var url = new URL(window.location.href);
        url.searchParams.set("period", period);
        window.history.replaceState(null, "", url.toString());
      }
      map.getContainer().setAttribute("data-period", period);
      map.fire("laguna:period", {period: period});
    }
    if (select) {
      select.addEventListener("change", function () {
        var i = o.periods.indexOf(select.value);
        if (i >= 0) setPeriod(i);
      });
    }

    var control = L.control({position: "bottomleft"});
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "laguna-timeslider leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      el("div", "laguna-timeslider-title", o.sliderTitle, box);
      slider = el("input", null, null, box);
      slider.type = "range";
      slider.id = "laguna-time-slider";
      slider.min = "0";
      slider.max = String(Math.max(0, o.periods.length - 1));
      slider.step = "1";
      slider.value = String(index);
      slider.setAttribute("aria-label", o.sliderTitle);
      label = el("div", "laguna-timeslider-period", period, box);
      slider.addEventListener("input", function () { setPeriod(Number(slider.value)); });
      return box;
    };
    control.addTo(map);
    map.getContainer().setAttribute("data-period", period);
    return {layer: layer, setPeriod: setPeriod};
  }

  return {
    el: el, popupContent: popupContent, pathStyle: pathStyle, dataLayer: dataLayer,
    vectorTiles: vectorTiles, legend: legend, banner: banner, search: search,
    offlineFallback: offlineFallback,
    indicatorMap: indicatorMap, fetchAll: fetchAll, STATUS_COLOURS: STATUS_COLOURS
  };
})();
