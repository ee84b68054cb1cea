// Vite answers a `?url` import with the URL of the file, copied to the build's assets unchanged.
declare module 'elkjs/lib/elk-worker.min.js?url' {
  const url: string
  export default url
}
