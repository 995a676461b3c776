#!/bin/bash
# Usage: benchmarks/treemem.sh LOG -- COMMAND...   Runs COMMAND under /usr/bin/time -v with nice,
# samples the summed RSS (VmRSS) of its whole process tree every 0.5 s, and appends
# "peak_tree_rss_mb N" and the load average before the run to LOG (time -v output goes to LOG too).
log=$1; shift; [ "$1" = -- ] && shift
echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$log"
echo "start: $(date -u +%FT%TZ)" >> "$log"
nice /usr/bin/time -v -a -o "$log" "$@" &
top=$!
peak=0
tree() { local p=$1; echo $p; for c in $(cat /proc/$p/task/*/children 2>/dev/null); do tree $c; done; }
while kill -0 $top 2>/dev/null; do
  sum=0
  for p in $(tree $top); do
    r=$(awk '/^VmRSS:/{print $2}' /proc/$p/status 2>/dev/null); sum=$((sum + ${r:-0}))
  done
  [ $sum -gt $peak ] && peak=$sum
  sleep 0.5
done
wait $top; rc=$?
echo "end: $(date -u +%FT%TZ) rc=$rc" >> "$log"
echo "peak_tree_rss_mb $((peak / 1024))" >> "$log"
exit $rc
