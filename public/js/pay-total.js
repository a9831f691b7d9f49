// Progressive enhancement of « Payer en ligne » on /factures: the total of the ticked invoices,
// said as boxes are ticked. Without it the form works the same; the server computes the amount.
(function () {
  'use strict';
  var form = document.querySelector('[data-pay-form]');
  if (!form) return;
  var total = form.querySelector('[data-pay-total]');
  if (!total) return;
  // The total shown goes with the form: the server refuses the payment if the invoices cost otherwise now.
  var amount = form.querySelector('[data-pay-amount]');
  var boxes = form.querySelectorAll('input[type="checkbox"][name="factures"]');
  var euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });

  function update() {
    var cents = 0;
    var count = 0;
    boxes.forEach(function (box) {
      if (!box.checked) return;
      cents += Number(box.getAttribute('data-cents')) || 0;
      count += 1;
    });
    total.textContent = count === 0
      ? 'Aucune facture cochée.'
      : (count > 1 ? 'Total des ' + count + ' factures cochées : ' : 'Total de la facture cochée : ') + euros.format(cents / 100) + '.';
    total.hidden = false;
    if (amount) amount.value = count === 0 ? '' : String(cents);
  }

  boxes.forEach(function (box) {
    box.addEventListener('change', update);
  });
  update();
})();
