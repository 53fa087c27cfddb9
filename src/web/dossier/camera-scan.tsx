/**
 * Scanning a letter's barcode (Code 128) with the tablet's camera (issue 9). The keyboard field stays
 * the primary way in (a handheld scanner types the code and Enter); this is the button next to it.
 *
 * Decoding: the browser's own BarcodeDetector where it reads Code 128 (Chrome on Android and macOS),
 * else the `barcode-detector` ponyfill (ZXing compiled to WebAssembly). Its .wasm is part of our own
 * build (a Vite `?url` import of the file in node_modules), never fetched from a CDN: the app must work
 * on a closed network, and a CSP that only allows 'self' keeps working.
 */
import { useEffect, useRef, useState } from 'react';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { Alert, Button } from '../shared/components.js';

/** The part of the Barcode Detection API we use (native and ponyfill alike). */
export interface CodeDetector {
  detect(source: ImageBitmapSource): Promise<Array<{ rawValue: string; format: string }>>;
}

interface DetectorClass {
  new (options: { formats: string[] }): CodeDetector;
  getSupportedFormats(): Promise<string[]>;
}

let detector: Promise<CodeDetector> | null = null;

/** One detector per page: the native one if it reads Code 128, else the ponyfill with our own .wasm. */
export function codeDetector(): Promise<CodeDetector> {
  detector ??= (async () => {
    const native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
    if (native && (await native.getSupportedFormats()).includes('code_128')) {
      return new native({ formats: ['code_128'] });
    }
    const { BarcodeDetector, prepareZXingModule } = await import('barcode-detector/ponyfill');
    prepareZXingModule({
      overrides: {
        locateFile: (path: string, prefix: string) =>
          path.endsWith('.wasm') ? new URL(wasmUrl, document.baseURI).href : prefix + path,
      },
    });
    return new BarcodeDetector({ formats: ['code_128'] });
  })();
  detector.catch(() => {
    detector = null; // a failed load may be retried with the next click
  });
  return detector;
}

/** The first Code 128 value in an image or video frame, or null. */
export async function decodeCode(source: ImageBitmapSource): Promise<string | null> {
  const found = await (await codeDetector()).detect(source);
  return found.find((b) => b.rawValue.trim() !== '')?.rawValue ?? null;
}

/**
 * "Scan met camera": opens the back camera in a small preview, looks for a barcode a few times a
 * second, and hands the first code to `onCode` (as if a handheld scanner had typed it), then stops.
 */
export function CameraScanButton({ onCode, label }: { onCode: (code: string) => void; label: string }) {
  const [active, setActive] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
    (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera API');
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: 'environment' },
          audio: false,
        });
        await codeDetector();
        if (stopped || !video.current) return stop();
        video.current.srcObject = stream;
        await video.current.play();
        const look = async () => {
          if (stopped || !video.current) return;
          const code =
            video.current.readyState >= 2 ? await decodeCode(video.current).catch(() => null) : null;
          if (stopped) return;
          if (code) {
            stop();
            setActive(false);
            onCodeRef.current(code);
          } else {
            timer = setTimeout(() => void look(), 150);
          }
        };
        void look();
      } catch {
        stop();
        setActive(false);
        setProblem('De camera kan niet worden gebruikt. Scan met de handscanner of typ de code.');
      }
    })();
    return stop;
  }, [active]);

  return (
    <div>
      <Button
        type="button"
        purpose="secondary"
        onClick={() => {
          setProblem(null);
          setActive((a) => !a);
        }}
        aria-pressed={active}
      >
        {active ? 'Camera stoppen' : label}
      </Button>
      {active ? (
        <video
          ref={video}
          muted
          playsInline
          aria-label="Camerabeeld: houd de streepjescode voor de camera"
          style={{ display: 'block', width: '100%', maxWidth: '24rem', marginTop: '0.5rem' }}
        />
      ) : null}
      {problem ? <Alert type="warning">{problem}</Alert> : null}
    </div>
  );
}
