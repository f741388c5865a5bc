import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { takeTokenFromUrl } from './api/http-transport';
import { createAppRouter } from './router';
import './style.css';

// The token (or login code) must leave the address bar before the router reads the hash.
void takeTokenFromUrl().then(() => createApp(App).use(createPinia()).use(createAppRouter()).mount('#app'));
