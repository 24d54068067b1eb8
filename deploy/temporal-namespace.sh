#!/bin/sh
# Registers the namespace and Derma2Go's search attributes (README, "Temporal");
# both steps tolerate "already exists", so it can run on every start.
set -eu
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 2; done
temporal operator namespace create --address "$TEMPORAL_ADDRESS" --retention 720h "$NAMESPACE" || true
for a in ConsultationType:Keyword DoctorId:Keyword ConsultationStatus:Keyword ScheduledStart:Datetime; do
  temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" \
    --name "${a%%:*}" --type "${a##*:}" || true
done
