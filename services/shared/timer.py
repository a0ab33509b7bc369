"""A nameko timer whose interval is a setting (read when the service starts)."""

from nameko.timer import Timer


class ConfiguredTimer(Timer):
    def __init__(self, setting, **kwargs):
        super().__init__(interval=float(setting.default), **kwargs)
        self.setting = setting

    def setup(self):
        value = self.container.config.get(self.setting.key, self.setting.default)
        self.interval = max(float(value), 1.0)


configured_timer = ConfiguredTimer.decorator
