# Pishkhan web, worker and sandbox all run from this one image; compose picks the command.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Debian's Chromium prints issued documents to PDF (PDF_ENGINE=chromium, CHROMIUM_PATH=/usr/bin/chromium).
RUN apt-get update && apt-get install -y --no-install-recommends chromium && rm -rf /var/lib/apt/lists/*

# Dependencies first so a source change does not reinstall them.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY --chown=node:node . .
# The web app, the worker and the sandbox run compiled JavaScript (dist/) with the workflows bundled once,
# and the browser scripts (form conditions, service editor) bundled into public/build/; the operator's
# scripts (migrate, catalog:sync, backup, admin:create) run their TypeScript through tsx.
RUN npm run build && chown -R node:node dist public/build
# Documents land here when DOCUMENT_STORE=local; a named volume mounted on it inherits this owner.
RUN mkdir -p /app/data/documents && chown -R node:node /app/data

USER node
EXPOSE 3000
CMD ["npm", "run", "web"]
