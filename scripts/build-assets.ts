// `npm run build:assets`: bundles the browser scripts into public/build/ (the web app also does it when they are stale).
import { buildBrowserAssets } from '../lib/browser-assets';

console.log(`browser scripts built: ${buildBrowserAssets(true).join(', ')}`);
