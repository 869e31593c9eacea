/**
 * The tail shared by the self-contained browsers' inline scripts (queries, TI
 * results): a tiny `el` helper, and mounting on the output's root element.
 * The root is found by id; where the output is not in the document yet (or sits
 * in a shadow root), the script's parent is tried, then the id for 5 s.
 * Expects the script to define `ID` and `start(root)`.
 */
export const SCRIPT_MOUNT = `
  function el(tag, className) {
    var node = document.createElement(tag);
    node.className = className;
    return node;
  }
  var root = document.getElementById(ID);
  var script = document.currentScript;
  if (!root && script && script.parentNode && script.parentNode.id === ID) root = script.parentNode;
  if (root) { start(root); return; }
  var tries = 0;
  var timer = setInterval(function () {
    var found = document.getElementById(ID);
    if (found) start(found);
    if (found || ++tries >= 50) clearInterval(timer);
  }, 100);`;
