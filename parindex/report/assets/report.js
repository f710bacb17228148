
(function(){
var config={displaylogo:false,responsive:true};
var template=JSON.parse(document.getElementById('fig-template').textContent);
document.querySelectorAll('div[data-fig]').forEach(function(el){
  var fig=JSON.parse(document.getElementById(el.getAttribute('data-fig')).textContent);
  fig.layout.template=template;
  Plotly.newPlot(el,fig.data,fig.layout,config);
});
window.addEventListener('beforeprint',function(){
  document.querySelectorAll('.js-plotly-plot').forEach(function(gd){Plotly.Plots.resize(gd);});
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
