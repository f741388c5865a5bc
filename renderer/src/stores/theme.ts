// Light or dark: follows the system until the user picks one, then remembers the choice.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

type Choice = 'system' | 'light' | 'dark';
const KEY = 'archipelago.theme';

export const useThemeStore = defineStore('theme', () => {
  const choice = ref<Choice>((localStorage.getItem(KEY) as Choice | null) ?? 'system');
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const systemDark = ref(media.matches);
  media.addEventListener('change', (e) => (systemDark.value = e.matches));

  const dark = computed(() => (choice.value === 'system' ? systemDark.value : choice.value === 'dark'));

  function toggle(): void {
    choice.value = dark.value ? 'light' : 'dark';
    localStorage.setItem(KEY, choice.value);
  }

  return { choice, dark, toggle };
});
