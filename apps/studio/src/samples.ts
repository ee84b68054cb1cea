/** The NXML the "new panel" box starts with. */
export const COUNTER_SAMPLE = `<NexusPanel title="Counter" version="1.0.0">
  <Data>
    <State name="count" type="number" default="0" />
    <Computed name="double" value="$state.count * 2" />
  </Data>
  <Logic>
    <Tool name="increment" description="Add a step to the counter">
      <Arg name="step" type="number" default="1" />
      <Capabilities><Capability type="state:write" scope="count" /></Capabilities>
      <Handler>$state.count += $args.step</Handler>
    </Tool>
  </Logic>
  <View>
    <Layout strategy="stack" gap="md">
      <Metric label="Count" value="{$state.count}" />
      <Text content="Double: {$computed.double}" />
      <Button label="+1" trigger="increment" args="{ step: 1 }" />
    </Layout>
  </View>
</NexusPanel>
`
