#!/bin/bash
# Usage: benchmarks/treemem.sh LOG -- COMMAND...   Runs COMMAND under /usr/bin/time -v with nice,
# samples its whole process tree every 0.5 s and appends to LOG (time -v output goes to LOG too):
#   peak_tree_rss_mb N   the summed VmRSS: pages shared between the build and its forked workers
#                        are counted once per process (an upper bound);
#   peak_tree_pss_mb N   the summed Pss (/proc/PID/smaps_rollup): each shared page divided among the
#                        processes sharing it, so the tree's memory is counted once;
# and the load average before the run.
log=$1; shift; [ "$1" = -- ] && shift
echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$log"
echo "start: $(date -u +%FT%TZ)" >> "$log"
nice /usr/bin/time -v -a -o "$log" "$@" &
top=$!
peak=0
peak_pss=0
tree() { local p=$1; echo $p; for c in $(cat /proc/$p/task/*/children 2>/dev/null); do tree $c; done; }
while kill -0 $top 2>/dev/null; do
  sum=0
  pss=0
  for p in $(tree $top); do
    r=$(awk '/^VmRSS:/{print $2}' /proc/$p/status 2>/dev/null); sum=$((sum + ${r:-0}))
    s=$(awk '/^Pss:/{print $2}' /proc/$p/smaps_rollup 2>/dev/null); pss=$((pss + ${s:-0}))
  done
  [ $sum -gt $peak ] && peak=$sum
  [ $pss -gt $peak_pss ] && peak_pss=$pss
  sleep 0.5
done
wait $top; rc=$?
echo "end: $(date -u +%FT%TZ) rc=$rc" >> "$log"
echo "peak_tree_rss_mb $((peak / 1024))" >> "$log"
echo "peak_tree_pss_mb $((peak_pss / 1024))" >> "$log"
exit $rc
