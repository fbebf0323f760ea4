#!/usr/bin/env bash
# Registers the stream jobs' task definitions and rolls their ECS services to a new image: the
# seed's submit.sh, for ECS. Needs the AWS CLI, envsubst and these variables:
#   AWS_ACCOUNT_ID AWS_REGION IMAGE_TAG CLUSTER RAW_BUCKET WAREHOUSE_BUCKET CHECKPOINT_BUCKET
# Optional: JOBS (default: all four; `producer` deploys the producer), DESIRED_COUNT (tasks per
# job, default 1), DRY_RUN=1.
#
#   AWS_ACCOUNT_ID=123456789012 AWS_REGION=eu-west-1 IMAGE_TAG=$(git rev-parse --short HEAD) \
#   CLUSTER=coattail RAW_BUCKET=… WAREHOUSE_BUCKET=… CHECKPOINT_BUCKET=… infra/deploy.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for v in AWS_ACCOUNT_ID AWS_REGION IMAGE_TAG CLUSTER RAW_BUCKET WAREHOUSE_BUCKET CHECKPOINT_BUCKET; do
  [ -n "${!v:-}" ] || { echo "deploy.sh: $v is not set" >&2; exit 2; }
done
jobs="${JOBS:-volume-anomaly whale-detector spread-calculator raw-archiver}"
count="${DESIRED_COUNT:-1}"
run() { if [ "${DRY_RUN:-0}" = 1 ]; then echo "+ $*"; else "$@"; fi; }
vars='${AWS_ACCOUNT_ID} ${AWS_REGION} ${IMAGE_TAG} ${RAW_BUCKET} ${WAREHOUSE_BUCKET} ${CHECKPOINT_BUCKET}'
for job in $jobs; do
  file="$here/ecs/$job.task.json"
  [ -f "$file" ] || { echo "deploy.sh: no task definition for '$job' ($file)" >&2; exit 2; }
  rendered="$(mktemp)"
  envsubst "$vars" < "$file" > "$rendered"
  echo "== $job: registering task definition"
  if [ "${DRY_RUN:-0}" = 1 ]; then arn="arn:aws:ecs:$AWS_REGION:$AWS_ACCOUNT_ID:task-definition/coattail-$job:dry-run"; else
    arn="$(aws ecs register-task-definition --cli-input-json "file://$rendered" --query 'taskDefinition.taskDefinitionArn' --output text)"; fi
  echo "== $job: updating service to $arn ($count tasks)"
  # A rolling update: ECS stops old tasks with SIGTERM (final checkpoint), new ones restore it.
  run aws ecs update-service --cluster "$CLUSTER" --service "coattail-$job" --task-definition "$arn" --desired-count "$count"
  rm -f "$rendered"
done
