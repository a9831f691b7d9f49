// Progressive enhancement of the weekly booking grid: as boxes are ticked or unticked, a summary of
// the changes not yet validated appears above « Valider ». The form works the same without it.
(function () {
  'use strict';
  var form = document.querySelector('[data-booking-form]');
  if (!form) return;
  var summary = form.querySelector('[data-pending-changes]');
  if (!summary) return;
  var boxes = form.querySelectorAll('input[type="checkbox"][name="jours"]');

  function listOf(title, lines) {
    if (!lines.length) return null;
    var section = document.createElement('div');
    var heading = document.createElement('h3');
    heading.textContent = title + ' (' + lines.length + ')';
    var list = document.createElement('ul');
    lines.forEach(function (line) {
      var item = document.createElement('li');
      item.textContent = line;
      list.appendChild(item);
    });
    section.appendChild(heading);
    section.appendChild(list);
    return section;
  }

  function update() {
    var book = [];
    var wait = [];
    var cancel = [];
    Array.prototype.forEach.call(boxes, function (box) {
      var initial = box.getAttribute('data-initial') === 'oui';
      var changed = box.checked !== initial;
      var cell = box.closest('.cell');
      if (cell) cell.classList.toggle('cell--changed', changed);
      if (!changed) return;
      var line = box.getAttribute('data-day') + ' – ' + box.getAttribute('data-activity');
      if (box.checked) (box.getAttribute('data-full') === 'oui' ? wait : book).push(line);
      else cancel.push(line);
    });
    while (summary.firstChild) summary.removeChild(summary.firstChild);
    var total = book.length + wait.length + cancel.length;
    if (!total) {
      summary.hidden = true;
      return;
    }
    var intro = document.createElement('p');
    intro.textContent = total + (total > 1 ? ' changements' : ' changement') + ' à valider :';
    summary.appendChild(intro);
    [listOf('À réserver', book), listOf("Liste d'attente", wait), listOf('À annuler', cancel)].forEach(function (part) {
      if (part) summary.appendChild(part);
    });
    summary.hidden = false;
  }

  form.addEventListener('change', update);
  // A page restored from the back-forward cache keeps ticks the server does not know about.
  window.addEventListener('pageshow', update);
  update();
})();
