// Reform Portal's plotly.js: the core (scatter) with the bar and heatmap traces only.
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);
module.exports = Plotly;
