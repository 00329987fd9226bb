-- Shared vocabularies: zone kinds and UNESCO's list of factors affecting properties
-- (adopted by the World Heritage Committee in 2008, used in Periodic Reporting and the
-- State of Conservation Information System). Bilingual, referenced by foreign keys.

CREATE TABLE laguna.zone_kinds (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z_]+$'),
    name_it    text NOT NULL,
    name_en    text NOT NULL,
    sort_order integer NOT NULL UNIQUE
);
INSERT INTO laguna.zone_kinds (code, name_it, name_en, sort_order) VALUES
    ('property',     'Sito (proprietà UNESCO)',  'World Heritage property', 1),
    ('buffer',       'Zona tampone',             'Buffer zone',             2),
    ('lagoon',       'Laguna',                   'Lagoon',                  3),
    ('basin',        'Bacino lagunare',          'Lagoon basin',            4),
    ('municipality', 'Comune',                   'Municipality',            5),
    ('municipalita', 'Municipalità',             'Borough (municipalità)',  6),
    ('sestiere',     'Sestiere',                 'Sestiere',                7),
    ('island',       'Isola',                    'Island',                  8),
    ('salt_marsh',   'Barena',                   'Salt marsh',              9),
    ('custom',       'Zona personalizzata',      'Custom zone',            10);

CREATE TABLE laguna.unesco_factors (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9]{1,2}(\.[0-9]{1,2})?$'),
    parent_code text REFERENCES laguna.unesco_factors (code),
    name_it     text NOT NULL,
    name_en     text NOT NULL,
    CHECK ((parent_code IS NULL) = (position('.' in code) = 0)),
    CHECK (parent_code IS NULL OR code LIKE parent_code || '.%')
);
INSERT INTO laguna.unesco_factors (code, parent_code, name_it, name_en) VALUES
    ('1',  NULL, 'Edifici e sviluppo', 'Buildings and development'),
    ('2',  NULL, 'Infrastrutture di trasporto', 'Transportation infrastructure'),
    ('3',  NULL, 'Infrastrutture di servizio', 'Utilities or service infrastructure'),
    ('4',  NULL, 'Inquinamento', 'Pollution'),
    ('5',  NULL, 'Uso o modifica delle risorse biologiche', 'Biological resource use/modification'),
    ('6',  NULL, 'Estrazione di risorse fisiche', 'Physical resource extraction'),
    ('7',  NULL, 'Condizioni locali che incidono sul tessuto fisico', 'Local conditions affecting physical fabric'),
    ('8',  NULL, 'Usi sociali e culturali del patrimonio', 'Social/cultural uses of heritage'),
    ('9',  NULL, 'Altre attività umane', 'Other human activities'),
    ('10', NULL, 'Cambiamento climatico ed eventi meteorologici estremi', 'Climate change and severe weather events'),
    ('11', NULL, 'Eventi ecologici o geologici improvvisi', 'Sudden ecological or geological events'),
    ('12', NULL, 'Specie invasive, aliene o iperabbondanti', 'Invasive/alien species or hyper-abundant species'),
    ('13', NULL, 'Fattori gestionali e istituzionali', 'Management and institutional factors'),
    ('14', NULL, 'Altri fattori', 'Other factor(s)');
INSERT INTO laguna.unesco_factors (code, parent_code, name_it, name_en) VALUES
    ('1.1', '1', 'Residenza', 'Housing'),
    ('1.2', '1', 'Sviluppo commerciale', 'Commercial development'),
    ('1.3', '1', 'Aree industriali', 'Industrial areas'),
    ('1.4', '1', 'Grandi strutture ricettive e relative infrastrutture', 'Major visitor accommodation and associated infrastructure'),
    ('1.5', '1', 'Strutture di interpretazione e visita', 'Interpretative and visitation facilities'),
    ('2.1', '2', 'Infrastrutture di trasporto terrestre', 'Ground transport infrastructure'),
    ('2.2', '2', 'Infrastrutture di trasporto aereo', 'Air transport infrastructure'),
    ('2.3', '2', 'Infrastrutture di trasporto marittimo', 'Marine transport infrastructure'),
    ('2.4', '2', 'Effetti dell''uso delle infrastrutture di trasporto', 'Effects arising from use of transportation infrastructure'),
    ('2.5', '2', 'Infrastrutture di trasporto sotterraneo', 'Underground transport infrastructure'),
    ('3.1', '3', 'Infrastrutture idrauliche', 'Water infrastructure'),
    ('3.2', '3', 'Impianti di energia rinnovabile', 'Renewable energy facilities'),
    ('3.3', '3', 'Impianti di energia non rinnovabile', 'Non-renewable energy facilities'),
    ('3.4', '3', 'Servizi locali', 'Localised utilities'),
    ('3.5', '3', 'Grandi reti lineari', 'Major linear utilities'),
    ('4.1', '4', 'Inquinamento delle acque marine', 'Pollution of marine waters'),
    ('4.2', '4', 'Inquinamento delle acque sotterranee', 'Ground water pollution'),
    ('4.3', '4', 'Inquinamento delle acque superficiali', 'Surface water pollution'),
    ('4.4', '4', 'Inquinamento atmosferico', 'Air pollution'),
    ('4.5', '4', 'Rifiuti solidi', 'Solid waste'),
    ('4.6', '4', 'Immissione di energia in eccesso', 'Input of excess energy'),
    ('5.1', '5', 'Pesca e raccolta di risorse acquatiche', 'Fishing/collecting aquatic resources'),
    ('5.2', '5', 'Acquacoltura', 'Aquaculture'),
    ('5.3', '5', 'Trasformazione del suolo', 'Land conversion'),
    ('5.4', '5', 'Allevamento e pascolo', 'Livestock farming/grazing of domesticated animals'),
    ('5.5', '5', 'Coltivazioni', 'Crop production'),
    ('5.6', '5', 'Raccolta commerciale di piante selvatiche', 'Commercial wild plant collection'),
    ('5.7', '5', 'Raccolta di sussistenza di piante selvatiche', 'Subsistence wild plant collection'),
    ('5.8', '5', 'Caccia commerciale', 'Commercial hunting'),
    ('5.9', '5', 'Caccia di sussistenza', 'Subsistence hunting'),
    ('5.10', '5', 'Silvicoltura e produzione di legname', 'Forestry/wood production'),
    ('6.1', '6', 'Attività mineraria', 'Mining'),
    ('6.2', '6', 'Attività di cava', 'Quarrying'),
    ('6.3', '6', 'Petrolio e gas', 'Oil and gas'),
    ('6.4', '6', 'Prelievo di acqua', 'Water'),
    ('7.1', '7', 'Vento', 'Wind'),
    ('7.2', '7', 'Umidità relativa', 'Relative humidity'),
    ('7.3', '7', 'Temperatura', 'Temperature'),
    ('7.4', '7', 'Radiazione e luce', 'Radiation/light'),
    ('7.5', '7', 'Polvere', 'Dust'),
    ('7.6', '7', 'Acqua (pioggia, falda)', 'Water (rain/water table)'),
    ('7.7', '7', 'Infestanti', 'Pests'),
    ('7.8', '7', 'Microrganismi', 'Micro-organisms'),
    ('8.1', '8', 'Usi rituali, religiosi e associativi', 'Ritual/spiritual/religious and associative uses'),
    ('8.2', '8', 'Valore attribuito dalla società al patrimonio', 'Society''s valuing of heritage'),
    ('8.3', '8', 'Caccia, raccolta e prelievo tradizionali', 'Indigenous hunting, gathering and collecting'),
    ('8.4', '8', 'Cambiamenti degli stili di vita e dei saperi tradizionali', 'Changes in traditional ways of life and knowledge system'),
    ('8.5', '8', 'Identità, coesione sociale, cambiamenti della popolazione locale', 'Identity, social cohesion, changes in local population and community'),
    ('8.6', '8', 'Impatti del turismo e delle attività ricreative', 'Impacts of tourism/visitor/recreation'),
    ('9.1', '9', 'Attività illegali', 'Illegal activities'),
    ('9.2', '9', 'Distruzione deliberata del patrimonio', 'Deliberate destruction of heritage'),
    ('9.3', '9', 'Addestramento militare', 'Military training'),
    ('9.4', '9', 'Guerra', 'War'),
    ('9.5', '9', 'Terrorismo', 'Terrorism'),
    ('9.6', '9', 'Disordini civili', 'Civil unrest'),
    ('10.1', '10', 'Tempeste', 'Storms'),
    ('10.2', '10', 'Inondazioni', 'Flooding'),
    ('10.3', '10', 'Siccità', 'Drought'),
    ('10.4', '10', 'Desertificazione', 'Desertification'),
    ('10.5', '10', 'Cambiamenti delle acque oceaniche', 'Changes to oceanic waters'),
    ('10.6', '10', 'Variazioni di temperatura', 'Temperature change'),
    ('10.7', '10', 'Altri impatti del cambiamento climatico', 'Other climate change impacts'),
    ('11.1', '11', 'Eruzioni vulcaniche', 'Volcanic eruption'),
    ('11.2', '11', 'Terremoti', 'Earthquake'),
    ('11.3', '11', 'Tsunami e maremoti', 'Tsunami/tidal wave'),
    ('11.4', '11', 'Valanghe e frane', 'Avalanche/landslide'),
    ('11.5', '11', 'Erosione e interrimento', 'Erosion and siltation/deposition'),
    ('11.6', '11', 'Incendi', 'Fire (wildfires)'),
    ('12.1', '12', 'Specie traslocate', 'Translocated species'),
    ('12.2', '12', 'Specie terrestri invasive o aliene', 'Invasive/alien terrestrial species'),
    ('12.3', '12', 'Specie d''acqua dolce invasive o aliene', 'Invasive/alien freshwater species'),
    ('12.4', '12', 'Specie marine invasive o aliene', 'Invasive/alien marine species'),
    ('12.5', '12', 'Specie iperabbondanti', 'Hyper-abundant species'),
    ('12.6', '12', 'Materiale genetico modificato', 'Modified genetic material'),
    ('13.1', '13', 'Ricerca e monitoraggio a basso impatto', 'Low impact research/monitoring activities'),
    ('13.2', '13', 'Ricerca e monitoraggio ad alto impatto', 'High impact research/monitoring activities'),
    ('13.3', '13', 'Governance', 'Governance'),
    ('13.4', '13', 'Attività di gestione', 'Management activities'),
    ('13.5', '13', 'Quadro normativo', 'Legal framework'),
    ('13.6', '13', 'Risorse finanziarie', 'Financial resources'),
    ('13.7', '13', 'Risorse umane', 'Human resources'),
    ('13.8', '13', 'Sistema di gestione e piano di gestione', 'Management system/management plan');

-- Periods are written 'YYYY', 'YYYY-Qn', 'YYYY-MM' or 'YYYY-MM-DD'; these derive their
-- first and last day (NULL for anything else, which the CHECKs that use them refuse).
CREATE FUNCTION laguna.period_start(p text) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p ~ '^[0-9]{4}$' THEN make_date(p::int, 1, 1)
        WHEN p ~ '^[0-9]{4}-Q[1-4]$' THEN make_date(left(p, 4)::int, (right(p, 1)::int - 1) * 3 + 1, 1)
        WHEN p ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN make_date(left(p, 4)::int, right(p, 2)::int, 1)
        WHEN p ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
            THEN make_date(left(p, 4)::int, substr(p, 6, 2)::int, right(p, 2)::int)
    END
$$;

CREATE FUNCTION laguna.period_end(p text) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p ~ '^[0-9]{4}$' THEN (laguna.period_start(p) + interval '1 year' - interval '1 day')::date
        WHEN p ~ '^[0-9]{4}-Q[1-4]$' THEN (laguna.period_start(p) + interval '3 months' - interval '1 day')::date
        WHEN p ~ '^[0-9]{4}-[0-9]{2}$' THEN (laguna.period_start(p) + interval '1 month' - interval '1 day')::date
        ELSE laguna.period_start(p)
    END
$$;
