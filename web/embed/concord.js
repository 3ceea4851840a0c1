// Concord 0.1.0, the widget loader. Put it on a page as a module:
//
//   <script type="module" src="/concord/concord.js"></script>
//   <div data-concord="raft" data-seed="7" data-nodes="5"></div>
//
// It starts a wasm bundle that sits beside it and mounts a playground into every element with a
// data-concord attribute, now and whenever one is added later (pages that change without
// reloading); a removed element's playground is stopped. Everything else is in Rust
// (web/src/embed/widget.rs): reading the data-* attributes, the shadow root, the JavaScript API.
// Nothing is fetched from anywhere but this directory.
//
// Which bundle. The full bundle (concord-web.js, concord-web_bg.wasm) holds every protocol, the
// tours and the Lab; each protocol also has a bundle of its own (concord-raft.js and
// concord-raft_bg.wasm, …), with its tour, at a fraction of the size. A widget's protocol is its
// tour's (data-tour, named after its protocol) or else its data-concord. When the elements on
// the page name one protocol, the loader starts that protocol's bundle only; when they name
// several, the full bundle, once for all of them. An element added later whose protocol no
// started bundle holds starts its protocol's own bundle. A handle's load() stays within its
// bundle: to show another protocol in an element, mount it again (Concord.mount(element,
// { algo: 'gossip' })). The playground page (index.html, which runs this file too) starts the
// full bundle, or for an iframe embed (?embed=1&algo=raft) the protocol's own. A development
// build (trunk serve) has only the full bundle, which the loader then starts instead.
//
//   element.concord            the element's handle: play() pause() step() back() reset()
//                              seek(n) load(options) state() subscribe(fn) unsubscribe(id)
//                              destroy()
//   window.Concord.ready       a promise, resolved once the elements present are mounted
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

// Elements whose bundle is still on its way.
const mounting = new WeakSet();

async function mount(element, options = {}) {
  mounting.add(element);
  try {
    const bundle = await start(bundleFor(protocolOf(element, options)));
    if (element.concord) element.concord.destroy();
    element.concord = bundle.mount(element, { playground, ...options });
    return element.concord;
  } finally {
    mounting.delete(element);
  }
}

function found(root) {
  const elements = root.matches?.('[data-concord]') ? [root] : [];
  elements.push(...(root.querySelectorAll?.('[data-concord]') ?? []));
  return elements;
}

function mountAll(root) {
  return Promise.all(
    found(root)
      .filter((element) => !element.concord && !mounting.has(element))
      .map((element) =>
        mount(element).catch((error) => console.error('Concord: cannot mount', element, error)),
      ),
  );
}

function unmountAll(root) {
  for (const element of found(root)) {
    // Moved rather than removed: it is still in the document.
    if (!element.concord || element.isConnected) continue;
    element.concord.destroy();
    delete element.concord;
  }
}

// The bundle to start first, if any: the playground page's, or the one the page's elements need.
function firstBundle() {
  if (document.querySelector('[data-concord-app]')) {
    const query = new URLSearchParams(location.search);
    const embed = ['1', 'true'].includes(query.get('embed'));
    return embed ? bundleFor(query.get('tour') ?? query.get('algo') ?? 'raft') : FULL;
  }
  const protocols = new Set(found(document).map((element) => protocolOf(element)));
  if (protocols.size === 0) return null;
  return protocols.size === 1 ? bundleFor([...protocols][0]) : FULL;
}

const first = firstBundle();
const ready = (first ? start(first) : Promise.resolve()).then(async (bundle) => {
  // The playground page's bundle, under the name trunk's own start script gave it (the
  // long-session benchmark reads the wasm's memory through it).
  const app = document.querySelector('[data-concord-app]');
  if (app) window.wasmBindings = bundle;
  await mountAll(document);
  // A playground page holds no widgets, and watching it would run on every change it draws.
  if (app) return;
  new MutationObserver((changes) => {
    for (const change of changes) {
      change.addedNodes.forEach(mountAll);
      change.removedNodes.forEach(unmountAll);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
});

window.Concord = { ready, mount: (element, options) => ready.then(() => mount(element, options)) };
