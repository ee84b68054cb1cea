import { request } from 'node:http'

export interface AddressedAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Record<string, any>
}

/**
 * A JSON POST sent from a chosen loopback address (`127.0.0.2`…): Linux routes all of 127.0.0.0/8 to
 * loopback, so a test can be several clients to a kernel that reads the address from the socket.
 */
export function postFrom(localAddress: string, url: string, body: unknown): Promise<AddressedAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json' }, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}
