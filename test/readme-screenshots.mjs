// The README's pictures are the e2e suite's own screenshots: `npm run docs:screenshots` copies
// these from test/artifacts into docs/screenshots when they changed visibly (a unit test checks
// the README uses only these, so no picture is ever made by hand).
export const README_SHOTS = ['hosts', 'cluster', 'map', 'map-broken-edge', 'services', 'network-details', 'checks', 'console', 'learn-8-test', 'learn-handson', 'learn-tunnel-read', 'learn-tunnel', 'learn-tunnel-map', 'learn-picture', 'learn-isolation-apart', 'learn-isolation', 'learn-discovery', 'learn-encryption', 'learn-bridge', 'stacks-deploy', 'stacks-map', 'secrets-rotate', 'verdict-mtu-blackhole', 'cause-mtu-blackhole', 'service-update-progress', 'underlay-grid'];
