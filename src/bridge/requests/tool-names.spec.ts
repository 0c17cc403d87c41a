import type { BridgeTool } from '../ir';
import { flatToolName, splitToolName } from './tool-names';

const tools: BridgeTool[] = [
  { name: 'exec_command', parameters: {} },
  { name: 'spawn_agent', namespace: 'multi_agent_v1', parameters: {} },
  { name: 'read', namespace: 'mcp__docs', parameters: {} },
];

describe('tool-names', () => {
  it('joins a namespace and a name with two underscores', () => {
    expect(flatToolName('spawn_agent', 'multi_agent_v1')).toBe(
      'multi_agent_v1__spawn_agent',
    );
    expect(flatToolName('exec_command')).toBe('exec_command');
  });

  it.each([
    [
      'multi_agent_v1__spawn_agent',
      { name: 'spawn_agent', namespace: 'multi_agent_v1' },
    ],
    ['mcp__docs__read', { name: 'read', namespace: 'mcp__docs' }],
    ['exec_command', { name: 'exec_command' }],
    ['unknown__tool', { name: 'unknown__tool' }],
  ])('maps %s back to the declared tool', (flat, expected) => {
    expect(splitToolName(flat, tools)).toEqual(expected);
  });

  it('keeps a name when no tools were declared', () => {
    expect(splitToolName('a__b', undefined)).toEqual({ name: 'a__b' });
  });
});
