// Building elements without HTML strings: text is always text.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

export function show(...children) {
  const app = document.getElementById("app");
  app.replaceChildren(...children);
  app.focus();
}

/** Say in ``message`` how an API call went: ``text`` if it worked, else the problem's
 * detail (or ``failed``), marked as an error. */
export function say(message, answer, text, failed = "That did not work.") {
  message.textContent = answer.ok ? text : answer.data.detail || failed;
  message.className = answer.ok ? "" : "error";
}
