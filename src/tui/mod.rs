pub fn run(_l: crate::model::Library, _o: String) -> anyhow::Result<()> {
    anyhow::bail!("the reader is not built yet")
}
