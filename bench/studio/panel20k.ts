// A valid NXML panel of at least `bytes` (20 KB for the editor row): counters with computeds, one tool per
// counter with arguments, capabilities and a handler, and a view of metrics, texts and buttons bound to them.
// The keystroke target is the first state's `type="number"` (third line, on screen when the editor opens):
// one letter more names no type (an error), Backspace fixes it.

export const KEYSTROKE_TARGET = 'name="count0" type="number"'

export function panelOfSize(bytes: number): string {
  const data: string[] = []
  const logic: string[] = []
  const view: string[] = []
  const size = () => data.join('').length + logic.join('').length + view.join('').length
  for (let i = 0; size() < bytes; i++) {
    data.push(
      `    <State name="count${i}" type="number" default="${i}" />\n`,
      `    <State name="notes${i}" type="list" default='["a${i}", "b${i}"]' />\n`,
      `    <Computed name="double${i}" value="$state.count${i} * 2 + $state.notes${i}.length" />\n`,
    )
    logic.push(
      `    <Tool name="bump${i}" description="Add a step to counter ${i} and note it">\n`,
      `      <Arg name="step" type="number" default="1" />\n`,
      `      <Capabilities><Capability type="state:write" scope="count${i}" /><Capability type="state:write" scope="notes${i}" /></Capabilities>\n`,
      `      <Handler>\n        $state.count${i} += $args.step\n        $state.notes${i} = [...$state.notes${i}, 'step ' + $args.step]\n      </Handler>\n`,
      `    </Tool>\n`,
    )
    view.push(
      `      <Layout strategy="row" gap="sm">\n`,
      `        <Metric label="Counter ${i}" value="{$state.count${i}}" />\n`,
      `        <Text content="Double: {$computed.double${i}}, notes: {$state.notes${i}.length}" />\n`,
      `        <Button label="+1 (${i})" trigger="bump${i}" args="{ step: 1 }" />\n`,
      `      </Layout>\n`,
    )
  }
  return [
    '<NexusPanel title="Twenty kilobytes" version="1.0.0">\n  <Data>\n',
    ...data,
    '  </Data>\n  <Logic>\n',
    ...logic,
    '  </Logic>\n  <View>\n    <Layout strategy="stack" gap="md">\n',
    ...view,
    '    </Layout>\n  </View>\n</NexusPanel>\n',
  ].join('')
}
