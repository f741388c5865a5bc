// What the Checks page picks by itself, only when the choice is obvious: frontend → backend when
// both exist, or the only two services when they share an overlay (the one that looks like a
// client first). Otherwise nothing, and the selects say "pick a service".
import type { ClusterModel } from '../../../electron/shared/model';

const CLIENTISH = /front|client|web|ui|app|gateway|proxy/i;

export function obviousPair(model: ClusterModel | null | undefined): { from: string; to: string } | null {
  const services = model?.services ?? [];
  const names = services.map((s) => s.name);
  if (names.includes('frontend') && names.includes('backend')) return { from: 'frontend', to: 'backend' };
  if (services.length !== 2) return null;
  const [a, b] = [...services].sort((x, y) => x.name.localeCompare(y.name));
  const overlays = new Set((model?.networks ?? []).filter((n) => !n.ingress).map((n) => n.id));
  if (!a.networkIds.some((id) => overlays.has(id) && b.networkIds.includes(id))) return null;
  return CLIENTISH.test(b.name) && !CLIENTISH.test(a.name) ? { from: b.name, to: a.name } : { from: a.name, to: b.name };
}
