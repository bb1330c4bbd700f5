#!/usr/bin/env bash
# Submit a segpipe command to a Spark cluster (standalone, YARN or Kubernetes) with everything the
# JVMs need: the Java 17 flags and malloc settings (jemalloc on request) of conf/jvm.properties
# on driver and executors,
# ND4J's off-heap limits sized into the container memory, one ND4J thread per task core, and the
# default log configuration.
#
#   deploy/submit.sh --master spark://host:7077 [spark-submit options] -- train --conf conf/train-camvid.json
#   deploy/submit.sh --master yarn --deploy-mode cluster --queue ml -- score --conf score.conf
#   SEGPIPE_K8S_IMAGE=registry/segpipe:0.1 deploy/submit.sh --master k8s://https://api:6443 --deploy-mode cluster -- eval ...
#
# Everything before "--" goes to spark-submit (and overrides the defaults below); everything after
# it is the segpipe command line. Sizing (see deploy/README.md for the rules):
#   SEGPIPE_EXECUTOR_HEAP     executor JVM heap (spark.executor.memory), default 2g
#   SEGPIPE_EXECUTOR_OFFHEAP  ND4J off-heap limit per executor, default 6g (must hold the model,
#                             its gradients and updater state, and the activations of one batch per task)
#   SEGPIPE_EXECUTOR_CORES    task slots per executor, default 1 (ND4J threads per task = spark.task.cpus)
#   SEGPIPE_DRIVER_HEAP       driver heap, default 2g; SEGPIPE_DRIVER_OFFHEAP default 4g
#   SPARK_SUBMIT              spark-submit to use, default $SPARK_HOME/bin/spark-submit
#   SEGPIPE_JAR               the application jar (a path, or local:///... inside a Kubernetes image)
#   SEGPIPE_K8S_IMAGE         container image for Spark on Kubernetes
#   SEGPIPE_K8S_HOME          where that image holds segpipe (conf/), default /opt/segpipe
#   SEGPIPE_MALLOC            native allocator of driver and executors: glibc (default), jemalloc, or
#                             auto (jemalloc when conf/jvm.properties' library exists on this host; the
#                             cluster's hosts are assumed alike, a host without it warns and runs glibc)
# --files are passed on together with the log configuration the wrapper ships.
# Authentication (deploy/README.md, "Authentication"): spark.authenticate is turned on when one is set
#   SEGPIPE_SPARK_AUTH_SECRET_FILE  file holding the secret (mode 600); standalone: the cluster's secret,
#                                   Kubernetes: mounted at this path in the driver and executor pods
#   SEGPIPE_SPARK_AUTH_SECRET       the secret itself (standalone); never passed on a command line
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="${SEGPIPE_JAR:-$home/spark-jobs/target/segpipe-app.jar}"
submit="${SPARK_SUBMIT:-${SPARK_HOME:+$SPARK_HOME/bin/spark-submit}}"

spark_args=()
user_files="" # the user's --files join the wrapper's: spark-submit keeps only the last --files
master=""
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --files) user_files="${user_files:+$user_files,}${2:?--files needs a value}"; shift 2 ;;
    --files=*) user_files="${user_files:+$user_files,}${1#--files=}"; shift ;;
    --master) master="${2:-}"; spark_args+=("$1"); shift ;;
    --master=*) master="${1#--master=}"; spark_args+=("$1"); shift ;;
    *) spark_args+=("$1"); shift ;;
  esac
done
if [[ $# -eq 0 ]]; then
  echo "usage: deploy/submit.sh --master URL [spark-submit options] -- <segpipe command> [args]" >&2
  exit 2
fi
shift # the "--"
if [[ -z "$submit" || ! -x "$submit" ]]; then
  echo "deploy/submit.sh: no spark-submit: set SPARK_HOME (Spark 3.5.x, Scala 2.12) or SPARK_SUBMIT" >&2
  exit 2
fi
if [[ "$jar" != *://* && ! -f "$jar" ]]; then
  echo "deploy/submit.sh: $jar is not built; run: mvn -q -DskipTests package" >&2
  exit 2
fi

setting() { sed -n "s/^$1=//p" "$home/conf/jvm.properties"; }
to_mib() { # 2g -> 2048, 512m -> 512
  local v="${1,,}"; case "$v" in *g) echo $(( ${v%g} * 1024 ));; *m) echo "${v%m}";; *) echo "$v";; esac; }

exec_heap="${SEGPIPE_EXECUTOR_HEAP:-2g}"
exec_offheap="${SEGPIPE_EXECUTOR_OFFHEAP:-6g}"
exec_cores="${SEGPIPE_EXECUTOR_CORES:-1}"
drv_heap="${SEGPIPE_DRIVER_HEAP:-2g}"
drv_offheap="${SEGPIPE_DRIVER_OFFHEAP:-4g}"
# Container overhead = off-heap limit + 1 GiB for natives (libnd4j, oneDNN, OpenBLAS), thread stacks and Spark's own buffers.
exec_overhead_mib=$(( $(to_mib "$exec_offheap") + 1024 ))
drv_overhead_mib=$(( $(to_mib "$drv_offheap") + 1024 ))
jvm_opts() { # heap offheap [log4j2-config]
  local max_rss_mib=$(( $(to_mib "$1") + $(to_mib "$2") + 1024 ))
  echo "$(setting java17.flags) -Dorg.bytedeco.javacpp.maxbytes=$(to_mib "$2")M -Dorg.bytedeco.javacpp.maxphysicalbytes=${max_rss_mib}M${3:+ -Dlog4j2.configurationFile=$3}"
}
# Executors (and a YARN cluster-mode driver) find the log configuration shipped with --files in
# their working directory; a client-mode driver is this machine, which has it under conf/. A
# standalone cluster-mode driver has no copy (the Worker fetches only the jar): Spark's default
# logging. On Kubernetes the image holds conf/ (deploy/Dockerfile), so nothing is shipped.
log_files="$home/conf/log4j2.properties"
exec_log_conf=log4j2.properties
driver_log_conf="$home/conf/log4j2.properties"
if [[ " ${spark_args[*]-} " =~ --deploy-mode[=\ ]+cluster ]]; then
  driver_log_conf=log4j2.properties
  [[ "$master" == spark://* ]] && driver_log_conf=""
fi
if [[ "$master" == k8s://* ]]; then
  log_files=""
  exec_log_conf="${SEGPIPE_K8S_HOME:-/opt/segpipe}/conf/log4j2.properties"
  driver_log_conf="$exec_log_conf"
fi
files="$log_files${user_files:+${log_files:+,}$user_files}"

defaults=(
  --class io.segpipe.jobs.cli.Segpipe
  --driver-memory "$drv_heap"
  --executor-memory "$exec_heap"
  --executor-cores "$exec_cores"
  --conf "spark.task.cpus=1"
  --conf "spark.driver.memoryOverhead=${drv_overhead_mib}m"
  --conf "spark.executor.memoryOverhead=${exec_overhead_mib}m"
  --conf "spark.driver.extraJavaOptions=$(jvm_opts "$drv_heap" "$drv_offheap" "$driver_log_conf")"
  --conf "spark.executor.extraJavaOptions=$(jvm_opts "$exec_heap" "$exec_offheap" "$exec_log_conf")"
)
if [[ -n "$files" ]]; then
  defaults+=(--files "$files")
fi
for var in MALLOC_ARENA_MAX:malloc.arena.max MALLOC_MMAP_THRESHOLD_:malloc.mmap.threshold MALLOC_TRIM_THRESHOLD_:malloc.trim.threshold; do
  name="${var%%:*}"; value="$(setting "${var#*:}")"
  defaults+=(--conf "spark.executorEnv.$name=$value"
             --conf "spark.yarn.appMasterEnv.$name=$value"
             --conf "spark.kubernetes.driverEnv.$name=$value")
done
jemalloc="$(setting malloc.jemalloc.library)"
case "${SEGPIPE_MALLOC:-glibc}" in
  auto) [[ -r "$jemalloc" ]] && use_jemalloc=1 ;;
  jemalloc) use_jemalloc=1 ;;
  glibc) ;;
  *) echo "deploy/submit.sh: SEGPIPE_MALLOC must be auto, jemalloc or glibc, found '$SEGPIPE_MALLOC'" >&2; exit 2 ;;
esac
if [[ -n "${use_jemalloc:-}" ]]; then
  for var in "LD_PRELOAD:$jemalloc" "MALLOC_CONF:$(setting malloc.jemalloc.conf)"; do
    defaults+=(--conf "spark.executorEnv.${var%%:*}=${var#*:}"
               --conf "spark.yarn.appMasterEnv.${var%%:*}=${var#*:}"
               --conf "spark.kubernetes.driverEnv.${var%%:*}=${var#*:}")
  done
fi
defaults+=(--conf "spark.executorEnv.OMP_NUM_THREADS=1")
if [[ -n "${SEGPIPE_K8S_IMAGE:-}" ]]; then
  defaults+=(--conf "spark.kubernetes.container.image=$SEGPIPE_K8S_IMAGE")
fi
# The Spark UI's kill links let anyone who reaches the UI stop the run's jobs: off unless the
# options before "--" turn them on (--conf spark.ui.killEnabled=true).
defaults+=(--conf "spark.ui.killEnabled=false")
# Spark's authentication when a secret is given. The secret itself never goes on a command line (ps
# shows those): segpipe's standalone driver reads it from the environment, Kubernetes from files.
if [[ -n "${SEGPIPE_SPARK_AUTH_SECRET_FILE:-}${SEGPIPE_SPARK_AUTH_SECRET:-}" ]]; then
  auth_fail() { echo "deploy/submit.sh: $*" >&2; exit 2; }
  if [[ -n "${SEGPIPE_SPARK_AUTH_SECRET_FILE:-}" ]]; then
    secret_file="$SEGPIPE_SPARK_AUTH_SECRET_FILE"
    [[ "$master" == k8s://* || -r "$secret_file" ]] || auth_fail "cannot read the secret file $secret_file"
    if [[ -e "$secret_file" && "$(stat -c %a "$secret_file")" != [0-7]00 ]]; then
      auth_fail "$secret_file can be read by other users (mode $(stat -c %a "$secret_file")): chmod 600 it"
    fi
  fi
  defaults+=(--conf "spark.authenticate=true")
  case "$master" in
    spark://*)
      # Spark reads a standalone application's secret from its configuration only, and the submission
      # client of cluster mode would need it on the command line: client mode, where the driver
      # (this process) finds it in the environment.
      if [[ " ${spark_args[*]-} " =~ --deploy-mode[=\ ]+cluster ]]; then
        auth_fail "with a secret, submit to a standalone master in client mode (the driver reads the secret here)"
      fi
      export SEGPIPE_SPARK_AUTH_SECRET_FILE SEGPIPE_SPARK_AUTH_SECRET ;;
    k8s://*)
      [[ -n "${SEGPIPE_SPARK_AUTH_SECRET_FILE:-}" ]] \
        || auth_fail "on Kubernetes give the secret as SEGPIPE_SPARK_AUTH_SECRET_FILE, a file mounted in every pod"
      defaults+=(--conf "spark.authenticate.secret.driver.file=$secret_file"
                 --conf "spark.authenticate.secret.executor.file=$secret_file") ;;
    *)
      echo "deploy/submit.sh: note: ${master:-this master} makes its own secret per application; the one given is not used" >&2 ;;
  esac
fi

# client mode: the driver is this process, so it needs the malloc settings too
export MALLOC_ARENA_MAX="$(setting malloc.arena.max)" MALLOC_MMAP_THRESHOLD_="$(setting malloc.mmap.threshold)" \
  MALLOC_TRIM_THRESHOLD_="$(setting malloc.trim.threshold)"
if [[ -n "${use_jemalloc:-}" && -r "$jemalloc" ]]; then
  export LD_PRELOAD="$jemalloc${LD_PRELOAD:+:$LD_PRELOAD}" MALLOC_CONF="$(setting malloc.jemalloc.conf)"
fi

# Later --conf values win in spark-submit, so the user's options come after the defaults.
exec "$submit" "${defaults[@]}" ${spark_args[@]+"${spark_args[@]}"} "$jar" "$@"
