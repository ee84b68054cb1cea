import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig } from 'vite'

const kernel = process.env.NEXUS_KERNEL_URL ?? 'http://127.0.0.1:4400'

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // Setting conditions replaces Vite's defaults, so keep them (`browser` above all).
  resolve: { conditions: ['@nexus/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': kernel, '/ws': { target: kernel.replace(/^http/, 'ws'), ws: true } },
  },
})
