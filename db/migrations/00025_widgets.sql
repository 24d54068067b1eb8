-- +goose Up
-- The websites a doctor lets embed the booking and walk-in widgets: the
-- origins that the widget pages name in CSP frame-ancestors, checked and
-- normalised by domain.NormalizeWidgetOrigins before they are stored. No
-- row, or an empty list, means the widgets may not be framed anywhere.
CREATE TABLE widget_settings (
    doctor_id  uuid PRIMARY KEY REFERENCES doctors (user_id) ON DELETE CASCADE,
    origins    text[] NOT NULL DEFAULT '{}' CHECK (cardinality(origins) <= 10),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE widget_settings;
