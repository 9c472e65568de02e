-- The five origami of the original catalogue, so a fresh database lists them before the first sync.
-- The catalogue sync corrects names and images and adds or retires items from then on.
insert into origami (id, name, image_url) values
  ('1', 'Origami Crane', '/static/images/origami/001-origami.png'),
  ('2', 'Origami Frog', '/static/images/origami/012-origami-8.png'),
  ('3', 'Origami Kangaroo', '/static/images/origami/010-origami-6.png'),
  ('4', 'Origami Camel', '/static/images/origami/021-camel.png'),
  ('5', 'Origami Butterfly', '/static/images/origami/017-origami-9.png')
on conflict (id) do nothing;
