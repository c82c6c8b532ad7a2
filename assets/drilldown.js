// Drill-down from the breakdown chart, whatever it draws: a click on a point, slice or bar, on
// a line, or on a legend entry reports its group's key (the first item of the point's
// customdata, see dashboard/figures.py) to the drill-request store; the server checks it and
// drills. Rows of the groups' table drill on Enter or Space as on a click.
(function () {
    const GRAPH = "breakdown-graph", STORE = "drill-request";

    function report(key) {
        if (typeof key === "string" && window.dash_clientside && window.dash_clientside.set_props) {
            window.dash_clientside.set_props(STORE, {data: {key: key, at: Date.now()}});
        }
    }

    function keyOf(trace, index) {
        const data = trace && trace.customdata;
        const item = data && data[index];
        return Array.isArray(item) ? item[0] : undefined;
    }

    // A slice reports the customdata of the entries it sums: [[key, ...]]; a point its own.
    function pointKey(point) {
        let item = point.customdata;
        if (Array.isArray(item) && Array.isArray(item[0])) item = item[0];
        return Array.isArray(item) ? item[0] : keyOf(point.data, point.pointNumber);
    }

    // With a unified hover a click reports every line at that x: the one drawn nearest the
    // pointer is the one clicked.
    function nearest(gd, points, mouse) {
        if (points.length < 2 || !mouse) return points[0];
        const top = gd.getBoundingClientRect().top + gd._fullLayout._size.t;
        const distance = (p) => p.yaxis ? Math.abs(top + p.yaxis.l2p(p.y) - mouse.clientY) : Infinity;
        return points.reduce((best, p) => distance(p) < distance(best) ? p : best);
    }

    function attach(gd) {
        if (gd._drillAttached || typeof gd.on !== "function") return;
        gd._drillAttached = true;
        gd.on("plotly_click", function (event) {
            const point = event && event.points && nearest(gd, event.points, event.event);
            if (point) report(pointKey(point));
        });
        gd.on("plotly_legendclick", function (event) {
            const trace = event.data[event.curveNumber];
            const index = trace.labels ? trace.labels.indexOf(event.label) : 0;
            report(keyOf(trace, index));
            return false;  // drill instead of hiding the line
        });
    }

    new MutationObserver(function () {
        const gd = document.querySelector("#" + GRAPH + " .js-plotly-plot");
        if (gd) attach(gd);
    }).observe(document.documentElement, {childList: true, subtree: true});

    document.addEventListener("keydown", function (event) {
        const row = event.target;
        if ((event.key === "Enter" || event.key === " ") && row.matches && row.matches("tr.drillable")) {
            event.preventDefault();
            row.click();
        }
    });
})();
