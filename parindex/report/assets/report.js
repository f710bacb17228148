
(function(){
var config={displaylogo:false,responsive:true};
var template=JSON.parse(document.getElementById('fig-template').textContent);
document.querySelectorAll('div[data-fig]').forEach(function(el){
  var fig=JSON.parse(document.getElementById(el.getAttribute('data-fig')).textContent);
  fig.layout.template=template;
  Plotly.newPlot(el,fig.data,fig.layout,config);
});
// Printed (A4 landscape, 10 mm margins: 1047 CSS px wide) each chart is drawn to the
// page's width, and back to the window's after
var PRINT_WIDTH=1000;
function plots(){return document.querySelectorAll('.js-plotly-plot');}
window.addEventListener('beforeprint',function(){
  plots().forEach(function(gd){
    Plotly.relayout(gd,{autosize:false,width:gd.closest('.card')?PRINT_WIDTH-40:PRINT_WIDTH});
  });
});
window.addEventListener('afterprint',function(){
  plots().forEach(function(gd){Plotly.relayout(gd,{autosize:true,width:null});});
});
function key(td){var v=td.getAttribute('data-v');var n=parseFloat(v);
  return (v!==''&&!isNaN(n)&&isFinite(v))?n:(v||'').toLowerCase();}
document.querySelectorAll('table.sortable').forEach(function(table){
  var heads=table.querySelectorAll('thead th');
  heads.forEach(function(th,col){
    th.querySelector('button').addEventListener('click',function(){
      var asc=th.getAttribute('aria-sort')!=='ascending';
      heads.forEach(function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',asc?'ascending':'descending');
      var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);
        if(x===y)return 0;if(x===''||x===undefined)return 1;if(y===''||y===undefined)return -1;
        var c=(typeof x===typeof y)?(x<y?-1:1):(typeof x==='number'?-1:1);
        return asc?c:-c;});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
});
})();
