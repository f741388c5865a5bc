// Checked edges on the map: a line from A's chip to B's chip on the network the check used,
// green when B answered, amber on a warning, red and animated when it is broken.
import type { Edge } from '@vue-flow/core';
import type { ClusterModel } from '../../../electron/shared/model';

export interface CheckedEdge {
  from: string;
  to: string;
  networkId?: string;
  level: 'ok' | 'warning' | 'error';
  title: string;
}

export function checkEdges(model: ClusterModel, checked: CheckedEdge[]): Edge[] {
  const id = (name: string) => model.services.find((s) => s.name === name)?.id;
  return checked.flatMap((c) => {
    const a = id(c.from);
    const b = id(c.to);
    if (!a || !b || !c.networkId) return [];
    return [
      {
        id: `check:${c.from}->${c.to}`,
        source: `chip:${a}:${c.networkId}`,
        target: `chip:${b}:${c.networkId}`,
        type: 'default',
        animated: c.level === 'error',
        // Above the bridge node the chips sit on; edges are otherwise drawn beneath nodes.
        zIndex: 1000,
        label: c.level === 'ok' ? '✓' : c.level === 'warning' ? '!' : '✗ broken',
        class: `check ${c.level}`,
        ariaLabel: `${c.from} to ${c.to}: ${c.title}`,
      },
    ];
  });
}
