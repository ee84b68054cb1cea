import { describe, expect, test } from 'vitest'
import { inferCapabilities } from './inferCapabilities.ts'

describe('inferCapabilities', () => {
  test('the counter handler reads and writes count', () => {
    expect(inferCapabilities('$state.count += $args.step')).toEqual(['state:read:count', 'state:write:count'])
  })

  test('every write form', () => {
    const code = [
      '$state.a = 1',
      '$state.b -= 2',
      '$state.c++',
      '--$state.d',
      '$state.e.push(1)',
      'delete $state.f',
      "$state['g h'] = 3",
      '$state.i[0].done = true',
      'Object.assign($state.j, { x: 1 })',
      '$state.k ??= []',
      '$state.l.splice(0, 1)',
    ].join('\n')
    expect(inferCapabilities(code).filter((c) => c.startsWith('state:write'))).toEqual([
      'state:write:a',
      'state:write:b',
      'state:write:c',
      'state:write:d',
      'state:write:e',
      'state:write:f',
      'state:write:g h',
      'state:write:i',
      'state:write:j',
      'state:write:k',
      'state:write:l',
    ])
  })

  test('reads, comparisons and arrows are not writes', () => {
    const code =
      'if ($state.a == 1 && $state.b <= 2 && $state.c !== 3) {}\nconst f = () => $state.d\n$log($state["e"].length)'
    expect(inferCapabilities(code)).toEqual([
      'state:read:a',
      'state:read:b',
      'state:read:c',
      'state:read:d',
      'state:read:e',
    ])
  })

  test('a plain assignment or delete of a top-level key is not a read', () => {
    expect(inferCapabilities('$state.a = 1; delete $state.b')).toEqual(['state:write:a', 'state:write:b'])
  })

  test('$emit names; dynamic names and template names with ${} are skipped', () => {
    const code = '$emit(\'saved\', {})\n$emit("done")\n$emit(`tick`)\n$emit(name)\n$emit(`x${n}`)'
    expect(inferCapabilities(code)).toEqual(['events:emit:done', 'events:emit:saved', 'events:emit:tick'])
  })

  test('comments, strings and regexes do not count; template expressions do', () => {
    const code = [
      '// $state.a = 1',
      '/* $emit("hidden") */',
      "const s = '$state.b = 2'",
      'const r = /$state.c = 3/',
      'const t = `${$state.d} and $state.e = 1`',
      'x = y / 2; $state.f = 1 // trailing',
    ].join('\n')
    expect(inferCapabilities(code)).toEqual(['state:read:d', 'state:write:f'])
  })

  test('identifiers that merely contain $state are ignored', () => {
    expect(inferCapabilities('my$state.a = 1; obj.$state.b = 2; $stateful.c = 3')).toEqual([])
  })

  test('$ext aliases, $view, $panel.call ids and $ext.http hosts from string literals', () => {
    const code = [
      'const w = await $ext.weather.get($args.city)',
      "$view.scrollTo('list')",
      "await $panel.call('inbox', 'add', { x: 1 })",
      "await $ext.http.get('https://API.example.com/v1?q=1')",
      'await $ext.http.post("http://b.test:8080/x", {})',
      '$ext.http.get(url)',
      '$ext.http.get(`https://${host}/x`)',
      '$panel.call(panelId, "t")',
      "$ext.http.get('ftp://files.example.com/a')",
      '// $ext.hidden.x() and $panel.call("nope")',
      "const s = '$view.x'",
      'my$ext.fake.y()',
    ].join('\n')
    expect(inferCapabilities(code)).toMatchInlineSnapshot(`
      [
        "ext:http",
        "ext:weather",
        "net:api.example.com",
        "net:b.test",
        "panel:call:inbox",
        "view:update",
      ]
    `)
  })

  test('writes net: hosts in the canonical form the runtime check matches', () => {
    const code = [
      "await $ext.http.get('http://[::FFFF:127.0.0.1]:8080/')",
      "await $ext.http.get('http://2130706433/')",
      "await $ext.http.get('https://Api.Example.com./v1')",
    ].join('\n')
    expect(inferCapabilities(code)).toEqual(['ext:http', 'net:127.0.0.1', 'net:[::ffff:7f00:1]', 'net:api.example.com'])
  })
})
