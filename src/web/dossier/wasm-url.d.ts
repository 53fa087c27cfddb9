// Vite turns `?url` imports into the URL of the file in the build (src/web/dossier/camera-scan.tsx).
declare module 'zxing-wasm/reader/zxing_reader.wasm?url' {
  const url: string;
  export default url;
}
