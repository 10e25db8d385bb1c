"""gonghui: 工会新闻 ETL into DuckDB."""

__version__ = "0.1.0"
