import { createRouter, createWebHashHistory } from 'vue-router';
import HostsPage from './pages/HostsPage.vue';
import ChecksPage from './pages/ChecksPage.vue';
import CausesPage from './pages/CausesPage.vue';
import LearnPage from './pages/LearnPage.vue';
import ClusterPage from './pages/ClusterPage.vue';
import MapPage from './pages/MapPage.vue';
import MapBenchPage from './pages/MapBenchPage.vue';
import NetworksPage from './pages/NetworksPage.vue';
import ServicesPage from './pages/ServicesPage.vue';
import StacksPage from './pages/StacksPage.vue';
import SecretsConfigsPage from './pages/SecretsConfigsPage.vue';

// Created after the token has left the URL (see main.ts). Hash routes work the same from file:// (Electron) and http:// (browser mode).
export const createAppRouter = () =>
  createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/hosts' },
    { path: '/hosts', component: HostsPage, meta: { title: 'Hosts' } },
    { path: '/cluster', component: ClusterPage, meta: { title: 'Cluster' } },
    { path: '/map', component: MapPage, meta: { title: 'Map' } },
    { path: '/bench/map', component: MapBenchPage, meta: { title: 'Map benchmark' } },
    { path: '/networks', component: NetworksPage, meta: { title: 'Networks' } },
    { path: '/services', component: ServicesPage, meta: { title: 'Services' } },
    { path: '/stacks', component: StacksPage, meta: { title: 'Stacks' } },
    { path: '/secrets', component: SecretsConfigsPage, meta: { title: 'Secrets & Configs' } },
    { path: '/checks', component: ChecksPage, meta: { title: 'Checks' } },
    { path: '/checks/causes/:code?', component: CausesPage, meta: { title: 'Checks · What can go wrong' } },
    { path: '/learn', component: LearnPage, meta: { title: 'Learn: overlay networks on your own hosts' } },
    { path: '/:rest(.*)*', redirect: '/hosts' },
  ],
});
