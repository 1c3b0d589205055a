#!/bin/bash
# Walks docs/deploy.md on this machine with scratch paths and ports: PostgreSQL at 127.0.0.1:5432 (trust auth for the
# postgres user), Redis at 127.0.0.1:6379, nginx and systemd-analyze installed, s3rver standing in for the bucket.
# Prints each command and its result; creates and drops the role and databases wenyuan_deploy*.
#   bash scripts/deploy-walk.sh > deploy-walk.log 2>&1
set -u
APP=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=$APP/../shared/corpus/docx-zh
W=$(mktemp -d /tmp/wy-deploy-XXXX)
cd $APP
step() { echo; echo "\$ $*"; }
run() { step "$@"; "$@"; echo "[exit $?]"; }
killtree() { for c in $(pgrep -P $1); do killtree $c; done; kill -TERM $1 2>/dev/null; }

run npm run build
# 1. one machine
export DATA_DIR=$W/data
( DATA_DIR=$W/data PORT=3391 npm start > $W/one.log 2>&1 & echo $! > $W/one.pid )
for i in $(seq 1 120); do curl -sf http://127.0.0.1:3391/healthz >/dev/null && break; sleep 1; done
step "curl http://127.0.0.1:3391/healthz"; curl -s http://127.0.0.1:3391/healthz; echo
run npx wenyuan create-admin --email deploy-admin@example.com --password 'deploy admin password'
run npx wenyuan verify-contact --email deploy-admin@example.com
run npx wenyuan import $CORPUS/gfsgongwen__测试文案.docx $CORPUS/gongwenassistant__tz_1.docx --user deploy-admin@example.com --price 0
run npx wenyuan backup $W/backups/manual-0
# stop the one-machine site (npm start → node): kill the process group we started
killtree() { for c in $(pgrep -P $1); do killtree $c; done; kill -TERM $1 2>/dev/null; }
killtree $(cat $W/one.pid); sleep 3
# 2. PostgreSQL role + database (trust auth here: psql as postgres over TCP instead of sudo -u postgres)
run psql -h 127.0.0.1 -U postgres -c "create role wenyuan_deploy login password 'change-me' createdb"
run psql -h 127.0.0.1 -U postgres -c "create database wenyuan_deploy owner wenyuan_deploy"
run redis-cli ping
# bucket stand-in
( node --import tsx scripts/s3rver-standalone.ts > $W/s3.url 2> $W/s3.log & echo $! > $W/s3.pid )
for i in $(seq 1 60); do [ -s $W/s3.url ] && break; sleep 1; done
S3URL=$(cat $W/s3.url); echo "bucket: $S3URL"
# 3. migrate
step "npx wenyuan migrate --to-database postgres://wenyuan_deploy:change-me@127.0.0.1:5432/wenyuan_deploy --to-storage '$S3URL' --to-data-dir $W/data-pg"
AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER npx wenyuan migrate --to-database postgres://wenyuan_deploy:change-me@127.0.0.1:5432/wenyuan_deploy --to-storage "$S3URL" --to-data-dir $W/data-pg; echo "[exit $?]"
# env file for the many-process site
mkdir -p $W/etc
cat > $W/etc/env <<EOT
DATA_DIR=$W/data-pg
DATABASE_URL=postgres://wenyuan_deploy:change-me@127.0.0.1:5432/wenyuan_deploy
STORAGE_URL="$S3URL"
AWS_ACCESS_KEY_ID=S3RVER
AWS_SECRET_ACCESS_KEY=S3RVER
REDIS_URL=redis://127.0.0.1:6379
REDIS_PREFIX=wy-deploy:
TRUST_PROXY=true
SECURE_COOKIES=true
PUBLIC_URL=https://wenku.example.cn
EOT
set -a; . $W/etc/env; set +a
# 5. two web + one worker, as the units run them
for p in 3301 3302; do ( PORT=$p METRICS_PORT=1$p node --max-semi-space-size=4 dist/main.js --role=web > $W/web-$p.log 2>&1 & echo $! >> $W/procs ); done
( METRICS_PORT=19501 node dist/main.js --role=worker > $W/worker-1.log 2>&1 & echo $! >> $W/procs )
for i in $(seq 1 120); do curl -sf http://127.0.0.1:3302/healthz >/dev/null && curl -sf http://127.0.0.1:3301/healthz > /dev/null && break; sleep 1; done
step "curl -s http://127.0.0.1:13301/metrics | head"; curl -s http://127.0.0.1:13301/metrics | head -5
step "curl -s http://127.0.0.1:19501/metrics | grep -c wenyuan_"; curl -s http://127.0.0.1:19501/metrics | grep -c wenyuan_
# 4. nginx in front of the two web processes
mkdir -p $W/nginx/ssl
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=wenku.example.cn -keyout $W/nginx/ssl/privkey.pem -out $W/nginx/ssl/fullchain.pem 2>/dev/null
python3 - "$W" "$APP" <<'PY'
import re, sys
w = sys.argv[1]
doc = open(sys.argv[2] + '/docs/deploy.md').read()
conf = re.search(r"```nginx\n(.*?)```", doc, re.S).group(1)
conf = conf.replace('/etc/ssl/wenyuan', w + '/nginx/ssl').replace('127.0.0.1:3001', '127.0.0.1:3301').replace('127.0.0.1:3002', '127.0.0.1:3302')
conf = conf.replace('listen 80;', 'listen 127.0.0.1:8089;').replace('listen 443 ssl http2;', 'listen 127.0.0.1:8443 ssl http2;')
open(w + '/nginx/site.conf', 'w').write(conf)
open(w + '/nginx/nginx.conf', 'w').write(f"pid {w}/nginx/nginx.pid;\nerror_log {w}/nginx/error.log;\nevents {{}}\nhttp {{\n access_log off;\n include /etc/nginx/mime.types;\n client_body_temp_path {w}/nginx/body; proxy_temp_path {w}/nginx/proxy;\n include {w}/nginx/site.conf;\n}}\n")
PY
run nginx -t -c $W/nginx/nginx.conf
nginx -c $W/nginx/nginx.conf
step "curl -sk https://127.0.0.1:8443/healthz (through nginx)"; curl -sk https://127.0.0.1:8443/healthz; echo
step "curl -sk https://127.0.0.1:8443/search?q=通知 (through nginx: documents found)"; curl -sk "https://127.0.0.1:8443/api/search?q=%E9%80%9A%E7%9F%A5" | head -c 300; echo
step "curl -sk -o /dev/null -w '%{http_code}' https://127.0.0.1:8443/metrics"; curl -sk -o /dev/null -w '%{http_code}\n' https://127.0.0.1:8443/metrics
nginx -c $W/nginx/nginx.conf -s stop
# systemd units as printed
mkdir -p $W/units
python3 - "$W" "$APP" <<'PY'
import re, sys
w = sys.argv[1]
doc = open(sys.argv[2] + '/docs/deploy.md').read()
for block in re.findall(r"```ini\n(.*?)```", doc, re.S):
    name = re.match(r"# /etc/systemd/system/(\S+)", block).group(1)
    open(f"{w}/units/{name}", 'w').write(block)
PY
step "systemd-analyze verify --man=no wenyuan-web@.service wenyuan-worker@.service wenyuan-backup.service wenyuan-backup.timer"; (cd $W/units && systemd-analyze verify --man=no ./wenyuan-web@.service ./wenyuan-worker@.service ./wenyuan-backup.service ./wenyuan-backup.timer; echo "[exit $?]")
# 6 + 7 on the many-process site
run npx wenyuan backup $W/backups/manual-1
run npx wenyuan ledger verify
run npx wenyuan gc --dry-run
run npx wenyuan storage sweep --dry-run
run npx wenyuan storage sweep
for p in $(cat $W/procs); do kill -TERM $p; done; sleep 5
# restore into an empty database
psql -h 127.0.0.1 -U postgres -q -c "create database wenyuan_deploy_r owner wenyuan_deploy"
step "npx wenyuan restore $W/backups/manual-1 (into an empty database and bucket prefix)"
DATABASE_URL=postgres://wenyuan_deploy:change-me@127.0.0.1:5432/wenyuan_deploy_r STORAGE_URL="${S3URL/\/site?//restored?}" DATA_DIR=$W/data-r npx wenyuan restore $W/backups/manual-1; echo "[exit $?]"
kill -TERM $(cat $W/s3.pid)
psql -h 127.0.0.1 -U postgres -q -c "drop database wenyuan_deploy with (force)" -c "drop database wenyuan_deploy_r with (force)" -c "drop role wenyuan_deploy"
redis-cli --scan --pattern 'wy-deploy:*' | xargs -r redis-cli del > /dev/null
echo "work dir $W"
