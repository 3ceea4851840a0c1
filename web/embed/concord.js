// Concord 0.1.0, the widget loader. Put it on a page as a module:
//
//   <script type="module" src="/concord/concord.js"></script>
//   <div data-concord="raft" data-seed="7" data-nodes="5"></div>
//
// It starts the wasm bundle that sits beside it (concord-web.js, concord-web_bg.wasm) and mounts
// a playground into every element with a data-concord attribute, now and whenever one is added
// later (pages that change without reloading); a removed element's playground is stopped.
// Everything else is in Rust (web/src/embed/widget.rs): reading the data-* attributes, the
// shadow root, the JavaScript API. Nothing is fetched from anywhere but this directory.
//
//   element.concord            the element's handle: play() pause() step() back() reset()
//                              seek(n) load(options) state() subscribe(fn) unsubscribe(id)
//                              destroy()
//   window.Concord.ready       a promise, resolved once the elements present are mounted
//   window.Concord.mount(element, options)   mount one element yourself: a promise of its
//                                            handle (options override its data-* attributes)

import init, { mount as mountElement, version as bundleVersion } from './concord-web.js';

// This loader's version, as in the banner above (`cargo xtask dist` checks both against the
// workspace's). A loader and a wasm of different releases may not understand each other.
const VERSION = '0.1.0';

// "Open in full playground" links go to the playground this loader came with.
const playground = new URL('./', import.meta.url).href;

function mount(element, options = {}) {
  if (element.concord) element.concord.destroy();
  element.concord = mountElement(element, { playground, ...options });
  return element.concord;
}

function mountAll(root) {
  const found = root.matches?.('[data-concord]') ? [root] : [];
  found.push(...(root.querySelectorAll?.('[data-concord]') ?? []));
  for (const element of found) {
    if (element.concord) continue;
    try {
      mount(element);
    } catch (error) {
      console.error('Concord: cannot mount', element, error);
    }
  }
}

function unmountAll(root) {
  const found = root.matches?.('[data-concord]') ? [root] : [];
  found.push(...(root.querySelectorAll?.('[data-concord]') ?? []));
  for (const element of found) {
    // Moved rather than removed: it is still in the document.
    if (!element.concord || element.isConnected) continue;
    element.concord.destroy();
    delete element.concord;
  }
}

const ready = init().then(() => {
  const bundle = bundleVersion();
  if (bundle !== VERSION) {
    console.warn(
      `Concord: this loader is version ${VERSION} but the wasm beside it is version ${bundle}; ` +
        'copy all the files of one release together',
    );
  }
  mountAll(document);
  new MutationObserver((changes) => {
    for (const change of changes) {
      change.addedNodes.forEach(mountAll);
      change.removedNodes.forEach(unmountAll);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
});

window.Concord = { ready, mount: (element, options) => ready.then(() => mount(element, options)) };
