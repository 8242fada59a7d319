// Progressive enhancement, one small script for every page (the CSP allows no inline script):
// a page that comes back with an error summary moves focus to it, so it is read first; a page whose request
// is still being worked on looks again after a few seconds.
(function () {
  function focusSummary() {
    var summary = document.querySelector('.error-summary');
    if (!summary || document.activeElement === summary) return;
    if (!summary.hasAttribute('tabindex')) summary.setAttribute('tabindex', '-1');
    summary.focus();
  }
  document.addEventListener('DOMContentLoaded', focusSummary);
  // Scrolling to a form's #fragment after the load can take focus away again.
  window.addEventListener('load', function () {
    setTimeout(function () {
      if (!document.activeElement || document.activeElement === document.body) focusSummary();
    }, 0);
    var seconds = Number(document.body.getAttribute('data-refresh'));
    if (seconds > 0) setTimeout(function () { window.location.reload(); }, seconds * 1000);
  });
})();
