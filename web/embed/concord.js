// Concord 0.1.0, the widget loader. Put it on a page as a module:
//
//   <script type="module" src="/concord/concord.js"></script>
//   <div data-concord="raft" data-seed="7" data-nodes="5"></div>
//
// It starts a wasm bundle that sits beside it and mounts a playground into every element with a
// data-concord attribute once the element nears the viewport (NEAR, below), also elements added
// later (pages that change without reloading); a removed element's playground is stopped.
// Everything else is in Rust (web/src/embed/widget.rs): reading the data-* attributes, the shadow
// root, the JavaScript API. Nothing is fetched from anywhere but this directory.
//
// Which bundle. The full bundle (concord-web.js, concord-web_bg.wasm) holds every protocol, the
// tours and the Lab; each protocol also has a bundle of its own (concord-raft.js and
// concord-raft_bg.wasm, …), with its tour, at a fraction of the size. A widget's protocol is its
// tour's (data-tour, named after its protocol) or else its data-concord. When the elements on
// the page name one protocol, the loader starts that protocol's bundle only; when they name
// several, the full bundle, once for all of them, when the first of them needs it. An element
// added later whose protocol no started bundle holds starts its protocol's own bundle. A
// handle's load() stays within its bundle: to show another protocol in an element, mount it
// again (Concord.mount(element, { algo: 'gossip' })). The playground page (index.html, which
// runs this file too) starts the full bundle at once, or for an iframe embed
// (?embed=1&algo=raft) the protocol's own. A development build (trunk serve) has only the full
// bundle, which the loader then starts instead.
//
//   element.concord            the element's handle: play() pause() step() back() reset()
//                              seek(n) load(options) state() subscribe(fn) unsubscribe(id)
//                              destroy()
//   window.Concord.ready       a promise, resolved once the elements present are mounted;
//                              reading it mounts them all, near the viewport or not
//   window.Concord.mount(element, options)   mount one element yourself: a promise of its
//                                            handle (options override its data-* attributes)

// This loader's version, as in the banner above (`cargo xtask dist` checks both against the
// workspace's). A loader and a wasm of different releases may not understand each other.
const VERSION = '0.1.0';

// The protocols with a bundle of their own (`cargo xtask` builds one for each of its
// PROTOCOL_BUNDLES), and the full bundle.
const PROTOCOLS = ['raft', 'gossip', 'paxos'];
const FULL = 'web';

// "Open in full playground" links go to the playground this loader came with.
const playground = new URL('./', import.meta.url).href;

// Each bundle started, by name: a promise of its module, initialised.
const started = new Map();
let warned = false;

function start(name) {
  if (!started.has(name)) {
    const module = import(new URL(`./concord-${name}.js`, import.meta.url).href).then(
      async (bundle) => {
        // Fetches the wasm beside the module; its main starts the playground page if this is it.
        await bundle.default();
        const version = bundle.version();
        if (version !== VERSION && !warned) {
          warned = true;
          console.warn(
            `Concord: this loader is version ${VERSION} but the wasm beside it is version ` +
              `${version}; copy all the files of one release together`,
          );
        }
        return bundle;
      },
      (error) => {
        if (name === FULL) throw error;
        console.info(`Concord: no bundle concord-${name}.js here, starting the full bundle`);
        return start(FULL);
      },
    );
    started.set(name, module);
  }
  return started.get(name);
}

// The protocol an element shows, as the bundles name them.
function protocolOf(element, options = {}) {
  return options.tour ?? element.dataset.tour ?? options.algo ?? element.dataset.concord;
}

// The bundle for a protocol: one already started that holds it, else its own (or the full).
function bundleFor(protocol) {
  const own = PROTOCOLS.includes(protocol) ? protocol : FULL;
  return started.has(FULL) && !started.has(own) ? FULL : own;
}

// Each element whose bundle is still on its way: a promise of its handle.
const mounting = new WeakMap();

function mount(element, options = {}) {
  near?.unobserve(element);
  const handle = (async () => {
    try {
      const bundle = await start(bundleFor(protocolOf(element, options)));
      if (element.concord) element.concord.destroy();
      element.concord = bundle.mount(element, { playground, ...options });
      return element.concord;
    } finally {
      mounting.delete(element);
    }
  })();
  mounting.set(element, handle);
  return handle;
}

function found(root) {
  const elements = root.matches?.('[data-concord]') ? [root] : [];
  elements.push(...(root.querySelectorAll?.('[data-concord]') ?? []));
  return elements;
}

function unmounted(element) {
  return !element.concord && !mounting.has(element);
}

// Mounts an element unless it is mounted or on its way: a promise of when it is. A failure is
// told in the console, not thrown, so that one element cannot stop the others.
function mounted(element) {
  if (element.concord) return Promise.resolve();
  return (mounting.get(element) ?? mount(element)).catch((error) =>
    console.error('Concord: cannot mount', element, error),
  );
}

function unmountAll(root) {
  for (const element of found(root)) {
    // Moved rather than removed: it is still in the document.
    if (element.isConnected) continue;
    near?.unobserve(element);
    if (!element.concord) continue;
    element.concord.destroy();
    delete element.concord;
  }
}

// The playground page's own element; absent on a page of widgets.
const app = document.querySelector('[data-concord-app]');

// The bundle to start first, if any: the playground page's, or the one the page's elements need.
function firstBundle() {
  if (app) {
    const query = new URLSearchParams(location.search);
    const embed = ['1', 'true'].includes(query.get('embed'));
    return embed ? bundleFor(query.get('tour') ?? query.get('algo') ?? 'raft') : FULL;
  }
  const protocols = new Set(found(document).map((element) => protocolOf(element)));
  if (protocols.size === 0) return null;
  return protocols.size === 1 ? bundleFor([...protocols][0]) : FULL;
}

// The first bundle, started once something needs it: the playground page at once, a page of
// widgets when its first widget nears the viewport, is mounted by hand or `Concord.ready` is read.
// Which bundle is decided by the elements on the page at load, whenever it starts.
const first = firstBundle();
let begun = null;
function begin() {
  begun ??= (first ? start(first) : Promise.resolve()).then((bundle) => {
    // The playground page's bundle, under the name trunk's own start script gave it (the
    // long-session benchmark reads the wasm's memory through it).
    if (app) window.wasmBindings = bundle;
  });
  return begun;
}

// A widget starts when it comes within NEAR of the viewport (Chromium's distance for an iframe
// with loading="lazy" on a fast connection), so a page whose widgets are further down loads none
// of Concord's wasm until its reader scrolls towards them; one that is not shown (in a closed
// <details>, a hidden tab) starts when it is. data-loading="eager" starts an element at once.
const NEAR = '1250px 0px';
const near = app
  ? null
  : new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          near.unobserve(entry.target);
          begin().then(() => mounted(entry.target));
        }
      },
      { rootMargin: NEAR },
    );

function watchAll(root) {
  for (const element of found(root).filter(unmounted)) {
    if (element.dataset.loading !== 'eager') near.observe(element);
    else begin().then(() => mounted(element));
  }
}

// Every element present, mounted now: what `Concord.ready` waits for.
let everyElement = null;
function mountAll() {
  everyElement ??= begin().then(() => Promise.all(found(document).map(mounted)));
  return everyElement;
}

// A playground page holds no widgets, and watching it would run on every change it draws.
if (app) {
  begin();
} else {
  watchAll(document);
  new MutationObserver((changes) => {
    for (const change of changes) {
      change.addedNodes.forEach(watchAll);
      change.removedNodes.forEach(unmountAll);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
}

window.Concord = {
  // Reading it mounts every element present, near the viewport or not: a page that drives its
  // widgets from a script gets every handle.
  get ready() {
    return app ? begin() : mountAll();
  },
  mount: (element, options) => begin().then(() => mount(element, options)),
};
