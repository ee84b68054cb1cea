import { describe, expect, it } from 'vitest'
import { analyzeHandlerCode, inferCapabilities } from './analysis.ts'
import { blankHandlerCode } from './blank.ts'
import { capabilityGranted, capabilityName } from './capabilities.ts'

describe('blankHandlerCode', () => {
  it('blanks strings, comments, template text and regex literals, keeping offsets, quotes and newlines', () => {
    const code = 'a = \'x\' + "y" // c\n/* d\ne */ b = `t${c + `u${d}`}v` + /re[/]x/g.test(s) / 2'
    const blanked = blankHandlerCode(code)
    expect(blanked).toHaveLength(code.length)
    expect(blanked).toBe('a = \' \' + " "     \n    \n     b = ` ${c + ` ${d}`} ` + /      /g.test(s) / 2')
  })

  it('collects the $ words and possible forbidden globals outside the blanked ranges', () => {
    const words: number[] = []
    const code = "$state.x = eval('$args') + `${$emit}` // $view"
    blankHandlerCode(code, words)
    const texts: string[] = []
    for (let k = 0; k < words.length; k += 2) texts.push(code.slice(words[k], words[k + 1]))
    expect(texts).toEqual(['$state', 'eval', '$emit'])
  })

  it('reads a / as division after an operand and without regex literals', () => {
    expect(blankHandlerCode("x = a / b + c / 'd'")).toBe("x = a / b + c / ' '")
    expect(blankHandlerCode("return /'/.test(s)")).toBe('return / /.test(s)')
    expect(blankHandlerCode("f(1, /'/)", undefined, false)).toBe("f(1, /'  ")
  })
})

describe('analyzeHandlerCode', () => {
  it('gives each capability with its first use, the span the validator reports', () => {
    const code = "$state.log.push(1)\n$emit('saved', {})\nawait $ext.http.get('https://API.example.com/a')"
    const uses = analyzeHandlerCode(code).capabilities.map((u) => [
      capabilityName(u),
      code.slice(u.at, u.at + u.length),
    ])
    expect(uses).toEqual([
      ['state:write:log', '$state.log'],
      ['state:read:log', '$state.log'],
      ['events:emit:saved', "$emit('saved'"],
      ['ext:http', '$ext.http'],
      ['net:api.example.com', "$ext.http.get('https://API.example.com/a'"],
    ])
  })

  it('a regex literal is text: no reference, no capability in it (the sandbox masked it, the validator did not)', () => {
    const a = analyzeHandlerCode('if (/$state.log = 1/.test($args.s)) $state.n = 1')
    expect(a.state).toEqual([{ kind: 'write', key: 'n', at: 36, length: 8 }])
    expect(inferCapabilities('if (/$state.log = 1/.test($args.s)) $state.n = 1')).toEqual(['state:write:n'])
  })
})

describe('capabilityGranted', () => {
  const use = (type: Parameters<typeof capabilityGranted>[1]['type'], scope: string) => ({ type, scope })
  it('reads grants as the sandbox checks them', () => {
    expect(capabilityGranted(['state:write:a'], use('state:read', 'a'))).toBe(true)
    expect(capabilityGranted(['state:read:a'], use('state:write', 'a'))).toBe(false)
    expect(capabilityGranted(['state:write:*'], use('state:write', 'b'))).toBe(true)
    expect(capabilityGranted(['view:*'], use('view', 'update'))).toBe(true)
    expect(capabilityGranted(['ext:*'], use('ext', 'http'))).toBe(true)
    expect(capabilityGranted(['extensions:call:http'], use('ext', 'http'))).toBe(false)
    expect(capabilityGranted(['net:API.Example.com.'], use('net', 'api.example.com'))).toBe(true)
    expect(capabilityGranted(['net:*'], use('net', '[::1]'))).toBe(true)
    expect(capabilityGranted(['panel:call:inbox'], use('panel:call', 'outbox'))).toBe(false)
  })
})
